package dev.scanflow.launch;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.server.intake.AgentTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * The one entry point: {@code scanflow server|agent|demo|token ...}. Configuration errors end in a one-line
 * message and exit code 2, not a stack trace.
 */
public final class ScanFlow {

    static final String USAGE = """
            usage: scanflow server [--config config/server.properties]
                   scanflow agent  [--config config/agent.properties]
                   scanflow demo   [--subnet 127.0.0.0/29] [--port 8080] [--schedule '0 * * * * ?']
                   scanflow token issue <agent code> [--config config/server.properties]""";

    private ScanFlow() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (InvalidSettings | IllegalArgumentException e) {
            System.err.println("scanflow: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("scanflow: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println(USAGE);
            return 2;
        }
        Path home = home();
        CommandLine line = new CommandLine(Arrays.asList(args).subList(1, args.length));
        switch (args[0]) {
            case "server" -> {
                SettingsSource source = SettingsSource.load(line.option("--config", home.resolve("config/server.properties")));
                ServerSettings settings = ServerSettings.from(source, home);
                CamelApp app = new CamelApp();
                ServerRole.configure(app, settings, AgentTokens.load(settings.tokensFile()), home);
                app.run();
                return 0;
            }
            case "agent" -> {
                SettingsSource source = SettingsSource.load(line.option("--config", home.resolve("config/agent.properties")));
                AgentSettings settings = AgentSettings.from(source);
                Nmap.requireInstalled(settings.nmap());
                CamelApp app = new CamelApp();
                AgentRole.configureStandalone(app, settings, home);
                app.run();
                return 0;
            }
            case "demo" -> {
                return Demo.run(line, home);
            }
            case "token" -> {
                return token(line, home);
            }
            default -> {
                System.err.println(USAGE);
                return 2;
            }
        }
    }

    /** Issues a new token for an agent: prints it once and stores only its hash in the tokens file. */
    private static int token(CommandLine line, Path home) throws IOException {
        List<String> words = line.positional();
        if (words.size() != 2 || !"issue".equals(words.get(0))) {
            System.err.println(USAGE);
            return 2;
        }
        String agentCode = words.get(1);
        if (!agentCode.matches("[A-Za-z0-9_=-]{32}")) {
            throw new InvalidSettings("the agent code must be phpIPAM's 32-character scanAgents.code");
        }
        SettingsSource source = SettingsSource.load(line.option("--config", home.resolve("config/server.properties")));
        Path file = home.resolve(source.string("scanflow.server.tokens-file", "config/agent-tokens"));
        String token = AgentTokens.newToken();
        Files.writeString(file, AgentTokens.hashLine(agentCode, token) + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println(token);
        System.err.println("token stored (hashed) in " + file + "; give it to the agent as SCANFLOW_AGENT_TOKEN");
        return 0;
    }

    /** bin/scanflow passes the install directory; routes/ and config/ are found from it. */
    static Path home() {
        return Path.of(System.getProperty("scanflow.home", ".")).toAbsolutePath().normalize();
    }
}
