package dev.scanflow.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The few options subcommands take: {@code --name value} pairs and positional words. */
final class CommandLine {

    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    CommandLine(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("--")) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                options.put(arg, args.get(++i));
            } else {
                positional.add(arg);
            }
        }
    }

    Path option(String name, Path fallback) {
        String value = options.get(name);
        return value == null ? fallback : Path.of(value);
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    List<String> positional() {
        return positional;
    }
}
