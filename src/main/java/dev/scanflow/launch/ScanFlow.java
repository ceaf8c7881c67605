package dev.scanflow.launch;

import dev.scanflow.agent.phpipam.PhpipamApiSettings;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.intake.TokenFile;
import dev.scanflow.server.vm.VmSettings;
import java.nio.file.Path;
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
                   scanflow token issue|rotate|revoke <agent code> [--config config/server.properties]
                   scanflow token list [--config config/server.properties]
                   scanflow vm create ... (scanflow vm for its options)""";

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
        if (args[0].equals("vm")) {
            // its own options (flags without values among them): parsed by the command itself
            return VmCreateCommand.run(Arrays.asList(args).subList(1, args.length), System.getenv(), System.out, System.err);
        }
        CommandLine line = new CommandLine(Arrays.asList(args).subList(1, args.length));
        switch (args[0]) {
            case "server" -> {
                SettingsSource source = SettingsSource.load(line.option("--config", home.resolve("config/server.properties")));
                ServerSettings settings = ServerSettings.from(source, home);
                CamelApp app = new CamelApp();
                ServerRole.configure(app, settings, VmSettings.from(source, System.getenv(), home),
                        AgentTokens.load(settings.tokensFile()), home);
                app.run();
                return 0;
            }
            case "agent" -> {
                SettingsSource source = SettingsSource.load(line.option("--config", home.resolve("config/agent.properties")));
                AgentSettings settings = AgentSettings.from(source);
                Scanners.requireInstalled(settings.nmap(), "scanflow.agent.nmap", "");
                CamelApp app = new CamelApp();
                AgentRole.configureStandalone(app, settings, PhpipamApiSettings.fromIfConfigured(source, home), home);
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

    /** Issues, rotates, revokes or lists agent tokens; a new token is printed once, only its hash is stored. */
    private static int token(CommandLine line, Path home) {
        List<String> words = line.positional();
        String action = words.isEmpty() ? "" : words.get(0);
        SettingsSource source = SettingsSource.load(line.option("--config", home.resolve("config/server.properties")));
        TokenFile file = new TokenFile(home.resolve(source.string("scanflow.server.tokens-file", "config/agent-tokens")));
        if (action.equals("list") && words.size() == 1) {
            file.list().forEach((code, count) -> System.out.println(code + " " + count));
            return 0;
        }
        if (words.size() != 2 || !List.of("issue", "rotate", "revoke").contains(action)) {
            System.err.println(USAGE);
            return 2;
        }
        String agentCode = words.get(1);
        if (!agentCode.matches("[A-Za-z0-9_=-]{32}")) {
            throw new InvalidSettings("the agent code must be phpIPAM's 32-character scanAgents.code");
        }
        switch (action) {
            case "issue" -> System.out.println(file.issue(agentCode));
            case "rotate" -> System.out.println(file.rotate(agentCode));
            default -> System.err.println(file.revoke(agentCode) + " token(s) revoked for " + agentCode);
        }
        if (!action.equals("revoke")) {
            System.err.println("token stored (hashed) in " + file.path() + "; give it to the agent as SCANFLOW_AGENT_TOKEN"
                    + (action.equals("rotate") ? "; the agent's old tokens no longer work" : ""));
        }
        return 0;
    }

    /** bin/scanflow passes the install directory; routes/ and config/ are found from it. */
    static Path home() {
        return Path.of(System.getProperty("scanflow.home", ".")).toAbsolutePath().normalize();
    }
}
