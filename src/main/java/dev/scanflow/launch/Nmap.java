package dev.scanflow.launch;

import dev.scanflow.config.InvalidSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the nmap executable before anything starts, so a missing nmap is a sentence, not a stack trace. */
final class Nmap {

    private Nmap() {
    }

    static void requireInstalled(String executable) {
        if (executable.contains(File.separator)) {
            if (Files.isExecutable(Path.of(executable))) {
                return;
            }
        } else {
            String path = System.getenv().getOrDefault("PATH", "");
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                    return;
                }
            }
        }
        throw new InvalidSettings("nmap was not found (" + executable + "). Install it first, for example: "
                + "sudo apt-get install nmap");
    }
}
