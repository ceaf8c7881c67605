package dev.scanflow.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process started by {@link LabNetwork#startProcess(LabHost, List)} inside a lab host's namespace. Closing it
 * (or closing the lab) kills it. Its stdout and stderr go to {@link #logFile()}.
 */
public final class LabProcess implements AutoCloseable {

    private final LabNetwork lab;
    private final LabHost host;
    private final List<String> argv;
    private final Process process;
    private final Path logFile;

    LabProcess(LabNetwork lab, LabHost host, List<String> argv, Process process, Path logFile) {
        this.lab = lab;
        this.host = host;
        this.argv = List.copyOf(argv);
        this.process = process;
        this.logFile = logFile;
    }

    public LabHost host() {
        return host;
    }

    /** The command as given, without the {@code ip netns exec NS} prefix. */
    public List<String> argv() {
        return argv;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** Everything the process wrote to stdout and stderr so far. */
    public String output() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Kills the process (SIGTERM, then SIGKILL after a grace period) and its descendants. Idempotent. */
    @Override
    public void close() {
        lab.stopProcess(this);
    }

    void kill() {
        process.toHandle().descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return "LabProcess[pid=" + process.pid() + " in " + host.namespace() + ": " + argv + "]";
    }
}
