package dev.scanflow.launch;

import dev.scanflow.config.InvalidSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the scanners the configuration needs before anything starts: a missing one is a sentence, not a stack trace. */
final class Scanners {

    private Scanners() {
    }

    /**
     * @param executable a name looked up on PATH, or a path
     * @param key        the setting that names it, for the message; null when it is not configurable
     * @param why        what needs it, for the message ("" when obvious)
     */
    static void requireInstalled(String executable, String key, String why) {
        if (isExecutable(executable)) {
            return;
        }
        String name = Path.of(executable).getFileName().toString();
        String where = key == null ? " on PATH" : " (" + key + "=" + executable + ")";
        throw new InvalidSettings(name + " was not found" + where + why
                + ". Install it first, for example: sudo apt-get install " + name);
    }

    static boolean isExecutable(String executable) {
        if (executable.contains(File.separator)) {
            return Files.isExecutable(Path.of(executable));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                return true;
            }
        }
        return false;
    }
}
