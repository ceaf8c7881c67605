package dev.scanflow.agent.scan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.camel.component.exec.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges what camel-exec brought back from the scanner: nmap's XML on success; a {@link ScanFailed}
 * with the exit code and stderr otherwise (including a run killed by the exec timeout).
 */
public class ScanExecution {

    private static final Logger LOG = LoggerFactory.getLogger(ScanExecution.class);
    private static final int STDERR_LIMIT = 2000;

    public InputStream output(ExecResult result) {
        String stderr = read(result.getStderr());
        byte[] stdout = bytes(result.getStdout());
        if (result.getExitValue() != 0) {
            throw new ScanFailed(result.getCommand().getExecutable() + " exited with " + result.getExitValue()
                    + (stdout.length == 0 ? " and no output" : "") + (stderr.isBlank() ? "" : ": " + clip(stderr)));
        }
        if (!stderr.isBlank()) {
            LOG.warn("{} wrote to stderr: {}", result.getCommand().getExecutable(), clip(stderr));
        }
        return new ByteArrayInputStream(stdout);
    }

    private static String clip(String text) {
        String trimmed = text.strip();
        return trimmed.length() <= STDERR_LIMIT ? trimmed : trimmed.substring(0, STDERR_LIMIT) + "…";
    }

    private static String read(InputStream in) {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(InputStream in) {
        if (in == null) {
            return new byte[0];
        }
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
