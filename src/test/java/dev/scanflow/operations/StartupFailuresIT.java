package dev.scanflow.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server started as an operator starts it (a JVM of its own, the real launcher) against a real MariaDB:
 * a wrong password and an unreachable database each end the start with ONE line naming the setting, and no
 * stack trace anywhere in the output.
 */
class StartupFailuresIT {

    @TempDir
    Path dir;

    private record Outcome(int code, List<String> stdout, List<String> stderr) {
    }

    private Outcome start(String... config) throws IOException, InterruptedException {
        Path file = dir.resolve("server.properties");
        Files.write(file, List.of(config));
        // it holds the database password: a secret is read only from an owner-only file (config.Secrets)
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("tokens"), "");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dscanflow.home=" + ServerUnderTest.HOME,
                "dev.scanflow.launch.ScanFlow", "server", "--config", file.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server gave up within a minute");
        return new Outcome(process.exitValue(), Files.readAllLines(out), Files.readAllLines(err));
    }

    private static void assertOneLine(Outcome outcome, String... parts) {
        assertEquals(2, outcome.code(), outcome.toString());
        assertEquals(1, outcome.stderr().size(), "one line on stderr: " + outcome);
        for (String part : parts) {
            assertTrue(outcome.stderr().get(0).contains(part), "'" + part + "' in " + outcome.stderr());
        }
        assertFalse(outcome.stdout().stream().anyMatch(line -> line.startsWith("\tat ") || line.contains("Exception")),
                "no stack trace: " + outcome.stdout());
    }

    @Test
    void aWrongDatabasePasswordIsOneLineNamingTheSettings() throws Exception {
        TestPhpipam phpipam = TestPhpipam.create();
        try {
            Outcome outcome = start("scanflow.server.host=127.0.0.1",
                    "scanflow.server.port=" + ServerUnderTest.freePort(),
                    "scanflow.db.url=" + phpipam.url(), "scanflow.db.user=" + phpipam.serverUser,
                    "scanflow.db.password=not-" + phpipam.serverPassword,
                    "scanflow.db.scanflow-schema=" + phpipam.scanflowSchema,
                    "scanflow.server.tokens-file=" + dir.resolve("tokens"));
            assertOneLine(outcome, "scanflow.db.user / scanflow.db.password", phpipam.serverUser);
            assertFalse(outcome.stderr().get(0).contains(phpipam.serverPassword), "the password is never printed");
        } finally {
            phpipam.close();
        }
    }

    @Test
    void anUnreachableDatabaseIsOneLineNamingTheUrl() throws Exception {
        int nothing = ServerUnderTest.freePort();
        Outcome outcome = start("scanflow.server.host=127.0.0.1",
                "scanflow.server.port=" + ServerUnderTest.freePort(),
                "scanflow.db.url=jdbc:mariadb://127.0.0.1:" + nothing + "/phpipam", "scanflow.db.user=scanflow",
                "scanflow.db.password=x", "scanflow.server.tokens-file=" + dir.resolve("tokens"));
        assertOneLine(outcome, "scanflow.db.url", "127.0.0.1:" + nothing);
    }

    @Test
    void aMisspelledServerKeyIsOneLine() throws Exception {
        Outcome outcome = start("scanflow.db.url=jdbc:mariadb://127.0.0.1:1/phpipam", "scanflow.db.user=scanflow",
                "scanflow.db.password=x", "scanflow.db.pool-szie=4");
        assertOneLine(outcome, "scanflow.db.pool-szie", "did you mean scanflow.db.pool-size?");
    }
}
