package dev.scanflow.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a playwright-core script of src/test/web in Debian's headless Chromium (both installed by .ci/run), as
 * WebDashboardIT does: screenshots go to target/screenshots, the script's output to target/&lt;script&gt;-test/.
 * A machine without them skips the test, and says so.
 */
public final class BrowserScript {

    private static final Path HOME = ServerUnderTest.HOME;

    private BrowserScript() {
    }

    /** @return the script's output; fails unless it exits 0 within the limit and prints "{name}: all good" */
    public static String run(String name, Map<String, String> environment, Duration limit) throws Exception {
        Path modules = HOME.resolve(".ci/node/node_modules/playwright-core");
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isDirectory(modules) && Files.isExecutable(chromium),
                "the browser test needs Debian's chromium and playwright-core in .ci/node (see .ci/run)");
        Path shots = HOME.resolve("target/screenshots");
        Files.createDirectories(shots);
        Path output = HOME.resolve("target/" + name + "-test/output.txt");
        Files.createDirectories(output.getParent());
        // node resolves playwright-core from the script's own folder upwards: run a copy next to .ci/node's modules
        Path runnable = HOME.resolve(".ci/node/" + name + ".mjs");
        Files.copy(HOME.resolve("src/test/web/" + name + ".mjs"), runnable, StandardCopyOption.REPLACE_EXISTING);
        try {
            ProcessBuilder node = new ProcessBuilder(List.of("node", runnable.toString())).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            node.environment().putAll(environment);
            node.environment().put("SCREENSHOTS", shots.toString());
            node.environment().put("CHROMIUM", chromium.toString());
            Process process = node.start();
            boolean ended = process.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            String printed = Files.readString(output);
            assertTrue(ended, "the browser test did not end within " + limit + ":\n" + printed);
            assertEquals(0, process.exitValue(), printed);
            assertTrue(printed.contains(name + ": all good"), printed);
            return printed;
        } finally {
            Files.deleteIfExists(runnable);
        }
    }

    public static Path screenshot(String view) {
        return HOME.resolve("target/screenshots/" + view + ".png");
    }
}
