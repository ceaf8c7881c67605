package dev.scanflow.agent.scan;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecDefaultExecutor;
import org.apache.camel.component.exec.ExecEndpoint;
import org.apache.camel.component.exec.ExecException;
import org.apache.camel.component.exec.ExecResult;
import org.apache.camel.component.exec.impl.DefaultExecCommandExecutor;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteStreamHandler;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;

/**
 * camel-exec's executor for scanners ({@code exec:nmap?commandExecutor=#watchedExecutor}), the same as
 * camel-exec's default but for three things:
 * <ul>
 *   <li>it refuses to run anything without a timeout;</li>
 *   <li>it says whether the timeout killed the process ({@link WatchedExecResult#timedOut()}), so that the
 *       output of a killed scan can be read as partial instead of as a failure;</li>
 *   <li>it hands every line the process writes, while it runs, to {@link ScanProgress}, and on demand each
 *       stdout line to a listener ({@link #execute(ExecCommand, Consumer)}).</li>
 * </ul>
 * A program that cannot be started at all (missing binary) ends in a {@link ScanFailed} naming it.
 */
public class WatchedExecutor extends DefaultExecCommandExecutor {

    private static final int MAX_LINE = 8192;

    private final ScanProgress progress;
    private final Clock clock;
    private final ThreadLocal<ExecuteWatchdog> watchdog = new ThreadLocal<>();
    // the scanner each thread runs, so that a cancelled scan on demand (agent/jobs) can stop it
    private final java.util.Map<Thread, ExecuteWatchdog> byThread = new java.util.concurrent.ConcurrentHashMap<>();
    private final ThreadLocal<ScanProgress.Tracker> tracker = new ThreadLocal<>();
    private final ThreadLocal<Consumer<String>> stdoutLines = new ThreadLocal<>();

    public WatchedExecutor(ScanProgress progress, Clock clock) {
        this.progress = progress;
        this.clock = clock;
    }

    /**
     * As {@link #execute(ExecCommand)}, and each line the process writes on stdout goes to {@code lines} as it
     * arrives (on the thread that reads the stream; the whole stdout is still in the result).
     */
    public ExecResult execute(ExecCommand command, Consumer<String> lines) {
        stdoutLines.set(lines);
        try {
            return execute(command);
        } finally {
            stdoutLines.remove();
        }
    }

    @Override
    public ExecResult execute(ExecCommand command) {
        String program = Path.of(command.getExecutable()).getFileName().toString();
        if (command.getTimeout() == ExecEndpoint.NO_TIMEOUT || command.getTimeout() <= 0) {
            throw new ScanFailed("refusing to run " + program + " without a timeout (set the exec endpoint's timeout)");
        }
        Instant start = clock.instant();
        try (ScanProgress.Tracker running = progress.track(command.getExecutable(), command.getArgs())) {
            tracker.set(running);
            ExecResult result = super.execute(command);
            ExecuteWatchdog dog = watchdog.get();
            boolean killed = dog != null && dog.killedProcess();
            return new WatchedExecResult(result.getCommand(), result.getStdout(), result.getStderr(),
                    result.getExitValue(), killed, start, clock.instant());
        } catch (ExecException e) {
            if (e.getCause() instanceof IOException io) {
                throw new ScanFailed("cannot run " + program + " (" + command.getExecutable() + "): " + io.getMessage());
            }
            throw e;
        } finally {
            byThread.remove(Thread.currentThread());
            watchdog.remove();
            tracker.remove();
        }
    }

    /** Kills the scanner the thread is running, if any: its output is read as a cut-short scan. */
    public boolean stop(Thread thread) {
        ExecuteWatchdog dog = byThread.get(thread);
        if (dog == null) {
            return false;
        }
        dog.destroyProcess();
        return true;
    }

    @Override
    protected DefaultExecutor prepareDefaultExecutor(ExecCommand command) {
        ScanProgress.Tracker running = tracker.get();
        Consumer<String> toProgress = running == null ? line -> { } : running::line;
        Consumer<String> listener = stdoutLines.get();
        DefaultExecutor executor = new TappedExecutor(listener == null ? toProgress : line -> {
            try {
                toProgress.accept(line);
            } finally {
                listener.accept(line); // the listener sees every line, whatever progress made of it
            }
        }, toProgress);
        executor.setExitValues(null);
        if (command.getWorkingDir() != null) {
            executor.setWorkingDirectory(new File(command.getWorkingDir()).getAbsoluteFile());
        }
        ExecuteWatchdog dog = ExecuteWatchdog.builder().setTimeout(Duration.ofMillis(command.getTimeout())).get();
        executor.setWatchdog(dog);
        watchdog.set(dog);
        byThread.put(Thread.currentThread(), dog);
        executor.setProcessDestroyer(new ShutdownHookProcessDestroyer());
        return executor;
    }

    /** camel-exec's executor whose stream handler sees the process's stdout and stderr line by line. */
    private static final class TappedExecutor extends ExecDefaultExecutor {
        private final Consumer<String> stdout;
        private final Consumer<String> stderr;

        TappedExecutor(Consumer<String> stdout, Consumer<String> stderr) {
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public void setStreamHandler(ExecuteStreamHandler handler) {
            super.setStreamHandler(new TappedStreamHandler(handler, stdout, stderr));
        }
    }

    private record TappedStreamHandler(ExecuteStreamHandler delegate, Consumer<String> lines, Consumer<String> errors)
            implements ExecuteStreamHandler {

        @Override
        public void setProcessErrorStream(InputStream is) throws IOException {
            delegate.setProcessErrorStream(new LineTap(is, errors));
        }

        @Override
        public void setProcessInputStream(OutputStream os) throws IOException {
            delegate.setProcessInputStream(os);
        }

        @Override
        public void setProcessOutputStream(InputStream is) throws IOException {
            delegate.setProcessOutputStream(new LineTap(is, lines));
        }

        @Override
        public void start() throws IOException {
            delegate.start();
        }

        @Override
        public void stop() throws IOException {
            delegate.stop();
        }
    }

    /** Passes every byte through unchanged and every complete line (ended by \n or \r) to a consumer. */
    static final class LineTap extends FilterInputStream {
        private final Consumer<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineTap(InputStream in, Consumer<String> lines) {
            super(in);
            this.lines = lines;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                see((byte) b);
            } else {
                flush();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                see(buffer[offset + i]);
            }
            if (n < 0) {
                flush();
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            flush();
            super.close();
        }

        private void see(byte b) {
            if (b == '\n' || b == '\r') {
                flush();
            } else if (line.size() < MAX_LINE) {
                line.write(b);
            }
        }

        private void flush() {
            if (line.size() > 0) {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                try {
                    lines.accept(text);
                } catch (RuntimeException e) {
                    // progress is a side show: it never breaks reading the scanner's output
                }
            }
        }
    }
}
