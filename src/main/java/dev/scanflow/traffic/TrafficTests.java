package dev.scanflow.traffic;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.util.ObjectHelper;
import org.apache.sshd.common.SshException;

/**
 * The steps of routes/traffic-tests.yaml, one method per step: claim the pair and a port, start the server
 * iperf3, run the client iperf3, read its JSON, stop the server, release. The route holds the order and the
 * SSH calls (camel-ssh); this class decides what is sent and what the answers mean.
 */
public final class TrafficTests {

    /** Exchange property holding the {@link TrafficRun}. */
    public static final String RUN = "scanflowTrafficRun";
    /** Header with the camel-ssh endpoint URI of the next SSH step (built here from validated values only). */
    public static final String SSH_URI = "scanflowTrafficSshUri";
    /** Header: true while the server still has to be started (a busy port moves to the next one). */
    public static final String SERVER_PENDING = "scanflowTrafficServerPending";
    /** Header: true when a server was started and must be stopped. */
    public static final String CLEANUP_NEEDED = "scanflowTrafficCleanupNeeded";

    private static final int START_ATTEMPTS = 3;

    private final TestSlots slots;
    private final KnownHostsVerifier verifier;
    private final Duration sshTimeout;
    private final Clock clock;

    /**
     * @param sshTimeout the limit for connecting, logging in and the short SSH steps (start, stop)
     */
    public TrafficTests(TestSlots slots, KnownHostsVerifier verifier, Duration sshTimeout, Clock clock) {
        this.slots = slots;
        this.verifier = verifier;
        this.sshTimeout = sshTimeout;
        this.clock = clock;
    }

    /** Body: a {@link TrafficTest}; header {@code scanflowTrafficId} may carry an id given before (202 replies). */
    public void begin(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        TrafficTest test = exchange.getMessage().getMandatoryBody(TrafficTest.class);
        String id = exchange.getMessage().getHeader("scanflowTrafficId", String.class);
        TrafficRun run = new TrafficRun(id == null ? UUID.randomUUID().toString() : id, test, clock.instant());
        exchange.setProperty(RUN, run);
        exchange.getMessage().setHeader(SERVER_PENDING, false);
        exchange.getMessage().setHeader(CLEANUP_NEEDED, false);
        slots.claimPair(test.pairKey());
        try {
            run.port = slots.claimPort();
        } catch (RuntimeException e) {
            slots.releasePair(test.pairKey());
            throw e;
        }
        run.claimed = true;
        exchange.getMessage().setHeader(SERVER_PENDING, true);
    }

    public void startServer(Exchange exchange) {
        TrafficRun run = run(exchange);
        run.startAttempts++;
        exchange.getMessage().setBody(Iperf3Commands.startServer(run.test, run.port, limit(run.test).getSeconds()));
        exchange.getMessage().setHeader(SSH_URI, sshUri(run.test.server(), sshTimeout));
    }

    /** After the start command: the server's pid, or the next port after a busy one, or a clear failure. */
    public void serverStarted(Exchange exchange) {
        TrafficRun run = run(exchange);
        int exit = exitValue(exchange);
        String stdout = exchange.getMessage().getBody(String.class);
        String stderr = stderr(exchange);
        SshHost server = run.test.server();
        if (exit == 0 && stdout != null && stdout.strip().matches("[0-9]{1,10}")) {
            run.serverPid = Long.parseLong(stdout.strip());
            run.cleanedUp = false;
            exchange.getMessage().setHeader(SERVER_PENDING, false);
            exchange.getMessage().setHeader(CLEANUP_NEEDED, true);
            return;
        }
        if (exit == Iperf3Commands.IPERF3_MISSING) {
            throw new TrafficTestFailed(TrafficTestFailed.Reason.IPERF3_MISSING,
                    "iperf3 is not installed on server host " + server.sshHost() + " (looked for " + server.iperf3() + ")");
        }
        if (exit == Iperf3Commands.SERVER_DID_NOT_START && stderr.contains("Address already in use")) {
            int busy = run.port;
            if (run.startAttempts >= START_ATTEMPTS) {
                throw new TrafficTestFailed(TrafficTestFailed.Reason.PORT_BUSY, "port " + busy + " on "
                        + server.testAddress() + " is busy, and " + (START_ATTEMPTS - 1) + " further ports of the range too");
            }
            run.port = slots.claimPort();
            slots.releasePort(busy);
            return; // the route's loop starts the server again on the new port
        }
        throw new TrafficTestFailed(TrafficTestFailed.Reason.IPERF3_FAILED, "iperf3 server on " + server.sshHost()
                + " did not start (exit " + exit + "): " + stderr.strip());
    }

    public void runClient(Exchange exchange) {
        TrafficRun run = run(exchange);
        Duration limit = limit(run.test);
        exchange.getMessage().setBody(Iperf3Commands.runClient(run.test, run.port, limit.getSeconds()));
        // camel-ssh's timeout also bounds the wait for the command: the remote timeout(1) first, this a bit later
        exchange.getMessage().setHeader(SSH_URI, sshUri(run.test.client(), limit.plus(sshTimeout)));
    }

    public void clientFinished(Exchange exchange) {
        TrafficRun run = run(exchange);
        int exit = exitValue(exchange);
        SshHost client = run.test.client();
        if (exit == Iperf3Commands.IPERF3_MISSING) {
            throw new TrafficTestFailed(TrafficTestFailed.Reason.IPERF3_MISSING,
                    "iperf3 is not installed on client host " + client.sshHost() + " (looked for " + client.iperf3() + ")");
        }
        if (exit == Iperf3Commands.TIMED_OUT || exit == 128 + 9) {
            throw new TrafficTestFailed(TrafficTestFailed.Reason.TIMED_OUT, "the test did not finish within its timeout of "
                    + limit(run.test).getSeconds() + " s and was stopped");
        }
        String json = exchange.getMessage().getBody(String.class);
        // the error field first: iperf3 -J exits 0 (or 1) with the reason inside the JSON
        run.figures = Iperf3Json.figures(json, run.test.protocol());
    }

    /** A failed step: keeps why, in words that say what to fix. */
    public void failed(Exchange exchange) {
        TrafficRun run = run(exchange);
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        run.failure = explain(run, caught);
    }

    public void stopServer(Exchange exchange) {
        TrafficRun run = run(exchange);
        exchange.getMessage().setBody(Iperf3Commands.stopServer(run.serverPid));
        exchange.getMessage().setHeader(SSH_URI, sshUri(run.test.server(), sshTimeout));
    }

    public void serverStopped(Exchange exchange) {
        run(exchange).cleanedUp = exitValue(exchange) == 0;
    }

    /** Last step on every path: frees the pair and the port; the body becomes the {@link TrafficResult}. */
    public TrafficResult finish(Exchange exchange) {
        TrafficRun run = run(exchange);
        if (run == null) {
            throw new IllegalStateException("no traffic test in this exchange");
        }
        if (run.claimed) {
            run.claimed = false;
            slots.releasePort(run.port);
            slots.releasePair(run.test.pairKey());
        }
        TrafficTest test = run.test;
        if (run.failure != null || run.figures == null) {
            TrafficTestFailed failure = run.failure != null ? run.failure
                    : new TrafficTestFailed(TrafficTestFailed.Reason.IPERF3_FAILED, "no figures");
            return new TrafficResult(run.id, test.name(), test.protocol(), TrafficResult.Status.FAILED, null, List.of(),
                    failure.reason(), failure.getMessage(), run.serverPid == null ? 0 : run.port, run.cleanedUp,
                    run.startedAt, clock.instant(), test.client().identity(), test.server().identity());
        }
        List<String> breaches = test.thresholds().breaches(run.figures);
        return new TrafficResult(run.id, test.name(), test.protocol(),
                breaches.isEmpty() ? TrafficResult.Status.PASSED : TrafficResult.Status.BREACHED, run.figures, breaches,
                null, null, run.port, run.cleanedUp, run.startedAt, clock.instant(), test.client().identity(),
                test.server().identity());
    }

    /** The hard limit of the test: the configured timeout. */
    static Duration limit(TrafficTest test) {
        return test.timeout();
    }

    private TrafficTestFailed explain(TrafficRun run, Exception caught) {
        TrafficTestFailed known = ObjectHelper.getException(TrafficTestFailed.class, caught);
        if (known != null) {
            return known;
        }
        // which host the failing SSH step went to: before a pid the server, after it the client (or the stop)
        SshHost host = run.serverPid == null ? run.test.server() : run.test.client();
        KnownHostsVerifier.Refusal refusal = verifier.refusal(host.sshHost(), host.sshPort());
        if (refusal != null) {
            return new TrafficTestFailed(TrafficTestFailed.Reason.HOST_KEY_REFUSED, host.knownHostsName() + ": "
                    + refusal.message() + " (" + verifier.knownHosts() + "); the test was not run");
        }
        String message = caught == null ? "unknown" : caught.getMessage();
        if (ObjectHelper.getException(SshException.class, caught) != null || message != null && message.contains("connect")) {
            return new TrafficTestFailed(TrafficTestFailed.Reason.SSH_FAILED, "SSH to " + host.knownHostsName() + " as "
                    + host.user() + " failed: " + message);
        }
        return new TrafficTestFailed(TrafficTestFailed.Reason.SSH_FAILED, "SSH step to " + host.knownHostsName()
                + " failed: " + message);
    }

    private static TrafficRun run(Exchange exchange) {
        return exchange.getProperty(RUN, TrafficRun.class);
    }

    private static int exitValue(Exchange exchange) {
        Integer exit = exchange.getMessage().getHeader("CamelSshExitValue", Integer.class);
        return exit == null ? -1 : exit;
    }

    private static String stderr(Exchange exchange) {
        String stderr = exchange.getMessage().getHeader("CamelSshStderr", String.class);
        return stderr == null ? "" : stderr;
    }

    /** camel-ssh endpoint from validated fields; host keys are checked by the client builder's verifier. */
    static String sshUri(SshHost host, Duration timeout) {
        String address = host.sshHost().contains(":") ? "[" + host.sshHost() + "]" : host.sshHost();
        return "ssh:" + address + ":" + host.sshPort() + "?username=" + host.user()
                + "&certResource=file:" + host.keyFile().toAbsolutePath()
                + "&clientBuilder=#trafficSshClient&failOnUnknownHost=true&timeout=" + timeout.toMillis();
    }
}
