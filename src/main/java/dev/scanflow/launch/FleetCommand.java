package dev.scanflow.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.config.InvalidSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scanflow fleet enrolments | approve <id> | reject <id>}: an operator decides on agents waiting to enrol
 * (issue 15), from a shell, through a running server's API (GET /api/v1/fleet/enrolments, POST
 * .../{id}/approve|reject), as the page and the API do. Exit codes: 0 done; 1 the server refused the step (no
 * such enrolment, not pending any more, a server error); 2 what the operator fixes (usage, no or a wrong token,
 * a server that does not answer at --server).
 */
@Command(name = "fleet", mixinStandardHelpOptions = true, versionProvider = ScanFlow.Version.class,
        description = "Agents waiting to enrol, approved or rejected through a running server's API"
                + " (operator token from SCANFLOW_SERVER_API_TOKEN or SCANFLOW_SERVER_API_TOKEN_FILE).",
        subcommands = {FleetCommand.Enrolments.class, FleetCommand.Approve.class, FleetCommand.Reject.class})
final class FleetCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.ParentCommand
    ScanFlow root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The server refused a call: its sentence, and the exit code it means. */
    private static final class Refused extends Exception {
        final int exitCode;

        Refused(OperatorApiClient.Answer answer) {
            super(answer.status() == 401 || answer.status() == 403
                    ? "the server refused the operator token (" + answer.status() + "): " + answer.message()
                    : answer.status() + " " + answer.message());
            // a wrong token or a malformed request is the operator's to fix; anything else is the server's answer
            this.exitCode = answer.status() == 400 || answer.status() == 401 || answer.status() == 403 ? 2 : 1;
        }
    }

    /** One call (or a few) to the server, with its errors as one line on stderr and an exit code. */
    abstract static class ApiCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        FleetCommand fleet;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--server", paramLabel = "URL", defaultValue = OperatorApiClient.DEFAULT_SERVER,
                description = "the server's URL, https:// unless it is this machine (default: ${DEFAULT-VALUE})")
        String server;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                return run(OperatorApiClient.of(server, fleet.root.environment()), spec.commandLine().getOut(), err);
            } catch (InvalidSettings | OperatorApiClient.Unreachable e) {
                err.println("scanflow fleet: " + e.getMessage());
                return 2;
            } catch (Refused e) {
                err.println("scanflow fleet: " + e.getMessage());
                return e.exitCode;
            }
        }

        abstract int run(OperatorApiClient api, PrintWriter out, PrintWriter err) throws OperatorApiClient.Unreachable, Refused;
    }

    @Command(name = "enrolments", mixinStandardHelpOptions = true,
            description = "Enrolments waiting for an operator's decision, oldest first (--all: every enrolment, newest first).")
    static final class Enrolments extends ApiCommand {
        @Option(names = "--all", description = "also the approved, rejected and collected ones")
        boolean all;

        @Override
        int run(OperatorApiClient api, PrintWriter out, PrintWriter err) throws OperatorApiClient.Unreachable, Refused {
            OperatorApiClient.Answer answer = api.get("api/v1/fleet/enrolments" + (all ? "?limit=1000" : "?status=pending&limit=1000"));
            if (!answer.ok()) {
                throw new Refused(answer);
            }
            JsonNode items = answer.body().path("items");
            if (items.isEmpty()) {
                err.println(all ? "no enrolments" : "no enrolment waits for a decision");
                return 0;
            }
            out.printf("%-36s  %-32s  %-9s  %s%n", "ID", "AGENT", "STATUS", "REQUESTED");
            for (int i = 0; i < items.size(); i++) {
                // the API lists newest first; pending ones are read oldest first, the order they came in
                JsonNode item = items.get(all ? i : items.size() - 1 - i);
                String decided = item.hasNonNull("decidedAt")
                        ? "  decided " + printable(item.get("decidedAt").asText()) + " by " + printable(item.path("decidedBy").asText())
                        : "";
                out.printf("%-36s  %-32s  %-9s  %s%s%n", printable(item.path("id").asText()), printable(item.path("agent").asText()),
                        printable(item.path("status").asText()), printable(item.path("requestedAt").asText()), decided);
            }
            return 0;
        }
    }

    /** approve or reject: one pending enrolment, by its id. */
    abstract static class Decision extends ApiCommand {
        @Parameters(paramLabel = "ENROLMENT_ID", description = "as `scanflow fleet enrolments` lists it")
        String id;

        @Option(names = "--by", paramLabel = "NAME", description = "who decided, kept with the enrolment (default: your user name)")
        String by;

        abstract String action();

        abstract String outcome();

        @Override
        int run(OperatorApiClient api, PrintWriter out, PrintWriter err) throws OperatorApiClient.Unreachable, Refused {
            String enrolment;
            try {
                enrolment = UUID.fromString(id).toString();
            } catch (IllegalArgumentException e) {
                throw new InvalidSettings("ENROLMENT_ID: a UUID as `scanflow fleet enrolments` lists it, got " + printable(id));
            }
            String who = by != null ? by : System.getProperty("user.name", "operator");
            OperatorApiClient.Answer answer = api.post("api/v1/fleet/enrolments/" + enrolment + "/" + action(),
                    JSON.createObjectNode().put("by", who).toString(), Duration.ofSeconds(30), Map.of());
            if (!answer.ok()) {
                throw new Refused(answer);
            }
            out.println("enrolment " + enrolment + " of agent " + printable(answer.body().path("agent").asText()) + " "
                    + printable(answer.body().path("status").asText()) + outcome());
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve a pending enrolment: the agent may then collect its own agent token, once.")
    static final class Approve extends Decision {
        @Override
        String action() {
            return "approve";
        }

        @Override
        String outcome() {
            return ": the agent can now collect its own token";
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a pending enrolment: the agent never gets a token.")
    static final class Reject extends Decision {
        @Override
        String action() {
            return "reject";
        }

        @Override
        String outcome() {
            return ": the agent gets no token";
        }
    }

    /** What the server sent, with no control character that could move a terminal's cursor or hide a line. */
    static String printable(String text) {
        return text.codePoints().map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
