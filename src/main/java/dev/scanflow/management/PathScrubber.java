package dev.scanflow.management;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes this machine's directories out of what /observe answers: Camel's MBeans name the route files they were
 * loaded from (SourceLocation) and endpoints name directories, which tell an attacker the install path and the
 * OS user's home. Each known directory becomes a placeholder; the longest is replaced first.
 */
final class PathScrubber {

    private final List<Map.Entry<String, String>> replacements;

    PathScrubber(Path home) {
        Map<String, String> known = new LinkedHashMap<>();
        add(known, home == null ? null : home.toAbsolutePath().normalize().toString(), "<install>");
        add(known, System.getProperty("user.dir"), "<working-dir>");
        add(known, System.getProperty("user.home"), "<user-home>");
        add(known, System.getProperty("java.home"), "<java-home>");
        add(known, System.getProperty("java.io.tmpdir"), "<tmp>");
        List<Map.Entry<String, String>> ordered = new ArrayList<>(known.entrySet());
        ordered.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        this.replacements = List.copyOf(ordered);
    }

    private static void add(Map<String, String> known, String directory, String placeholder) {
        if (directory == null) {
            return;
        }
        String trimmed = directory.endsWith("/") ? directory.substring(0, directory.length() - 1) : directory;
        // "/" or "/tmp"-short roots are kept only when they are real, multi-character paths
        if (trimmed.length() > 1) {
            known.putIfAbsent(trimmed, placeholder);
        }
    }

    String scrub(String text) {
        String result = text;
        for (Map.Entry<String, String> replacement : replacements) {
            result = result.replace(replacement.getKey(), replacement.getValue());
        }
        return result;
    }
}
