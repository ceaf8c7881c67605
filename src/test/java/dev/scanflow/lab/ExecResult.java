package dev.scanflow.lab;

import java.util.List;

/**
 * Outcome of one external command run by {@link LabNetwork#exec(List, java.time.Duration)}.
 *
 * @param command  the argument list that was run
 * @param exitCode the exit code, or -1 when the command timed out and was killed
 * @param stdout   everything the command wrote to stdout
 * @param stderr   everything the command wrote to stderr
 * @param timedOut true when the timeout expired and the process was destroyed
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {

    public ExecResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return !timedOut && exitCode == 0;
    }

    /** Returns this result if the command succeeded, otherwise throws with its stderr in the message. */
    public ExecResult orThrow() {
        if (!ok()) {
            throw new IllegalStateException(describeFailure());
        }
        return this;
    }

    public String describeFailure() {
        return "command " + command + (timedOut ? " timed out" : " exited with " + exitCode)
                + (stderr.isBlank() ? "" : "; stderr: " + stderr.strip())
                + (stdout.isBlank() || !stderr.isBlank() ? "" : "; stdout: " + abbreviate(stdout.strip()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "...";
    }
}
