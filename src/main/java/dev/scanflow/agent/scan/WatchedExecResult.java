package dev.scanflow.agent.scan;

import java.io.InputStream;
import java.time.Instant;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;

/**
 * camel-exec's result plus what {@link WatchedExecutor} knows about the run: whether the exec timeout
 * killed the process (camel-exec itself only reports the exit code, 143 after its SIGTERM, the same as a
 * kill from elsewhere), and when it started and ended.
 */
public class WatchedExecResult extends ExecResult {

    private static final long serialVersionUID = 1L;

    private final boolean timedOut;
    private final Instant start;
    private final Instant end;

    public WatchedExecResult(ExecCommand command, InputStream stdout, InputStream stderr, int exitValue,
                             boolean timedOut, Instant start, Instant end) {
        super(command, stdout, stderr, exitValue);
        this.timedOut = timedOut;
        this.start = start;
        this.end = end;
    }

    public boolean timedOut() {
        return timedOut;
    }

    public Instant start() {
        return start;
    }

    public Instant end() {
        return end;
    }
}
