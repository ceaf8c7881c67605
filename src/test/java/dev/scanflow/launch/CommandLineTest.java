package dev.scanflow.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help exits 0, a version, and every wrong option or setting is one line naming it, exit 2. */
class CommandLineTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ScanFlow.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path agentConfig(String... lines) throws IOException {
        Path file = dir.resolve("agent.properties");
        Files.write(file, List.of(lines));
        // it holds the agent's token: a secret is read only from an owner-only file (config.Secrets)
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static void assertOneLine(Run run, int code, String... parts) {
        assertEquals(code, run.code(), run.toString());
        assertEquals(1, run.errLines().size(), "one line: " + run.err());
        for (String part : parts) {
            assertTrue(run.err().contains(part), "'" + part + "' in: " + run.err());
        }
    }

    @Test
    void helpExitsZeroAndListsTheCommands() {
        Run help = run("--help");
        assertEquals(0, help.code());
        for (String command : List.of("server", "agent", "demo", "token", "vm", "fleet")) {
            assertTrue(help.out().contains(command), help.out());
        }
        Run serverHelp = run("server", "--help");
        assertEquals(0, serverHelp.code());
        assertTrue(serverHelp.out().contains("--config"), serverHelp.out());
    }

    @Test
    void versionNamesScanflowCamelAndJava() {
        Run version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().matches("scanflow \\S+ \\(Apache Camel 4\\.17\\.\\d+, Java .+\\)\\R?"), version.out());
    }

    @Test
    void unknownOptionsAndCommandsAreOneLine() {
        assertOneLine(run("server", "--bogus", "x"), 2, "Unknown option", "--bogus");
        assertOneLine(run("server", "--confg", "x"), 2, "--confg", "did you mean --config?");
        assertOneLine(run("sever"), 2, "sever", "did you mean server?");
        assertOneLine(run("demo", "--port", "eighty"), 2, "--port", "eighty");
    }

    @Test
    void aMisspelledConfigKeyIsOneLineWithASuggestion() throws IOException {
        Path config = agentConfig("scanflow.agent.code=Agent-cli-code-0123456789abcdefg",
                "scanflow.agent.token=t", "scanflow.agent.subnetz=127.0.0.0/29");
        assertOneLine(run("agent", "--config", config.toString()), 2,
                "scanflow.agent.subnetz is not a setting of the agent (did you mean scanflow.agent.subnets?)");
    }

    @Test
    void aBadCronAndABadCidrAreOneLineNamingTheKey() throws IOException {
        Path cron = agentConfig("scanflow.agent.code=Agent-cli-code-0123456789abcdefg",
                "scanflow.agent.token=t", "scanflow.agent.schedule=0 0 25 * * ?");
        assertOneLine(run("agent", "--config", cron.toString()), 2, "scanflow.agent.schedule=");
        Path cidr = agentConfig("scanflow.agent.code=Agent-cli-code-0123456789abcdefg",
                "scanflow.agent.token=t", "scanflow.agent.subnets=127.0.0.0/33");
        assertOneLine(run("agent", "--config", cidr.toString()), 2, "scanflow.agent.subnets");
    }

    @Test
    void aMissingConfigFileIsOneLine() {
        assertOneLine(run("server", "--config", dir.resolve("nope.properties").toString()), 2, "nope.properties");
    }
}
