package dev.scanflow.traffic;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The remote command lines of a traffic test. They are built here only, from the validated fields of
 * {@link TrafficTest} and {@link SshHost} and numbers ScanFlow chose: nothing a request sent is pasted in, and
 * every argument is single-quoted besides. {@code timeout(1)} bounds each iperf3 on its own host, so even a
 * ScanFlow that died mid-test leaves nothing running past the hard timeout.
 */
public final class Iperf3Commands {

    /** Exit code of the start command when iperf3 could not listen (its message on stderr). */
    public static final int SERVER_DID_NOT_START = 3;
    /** Exit code when the configured iperf3 is not there (as a shell says for a missing command). */
    public static final int IPERF3_MISSING = 127;
    /** timeout(1)'s exit code when it had to stop the command. */
    public static final int TIMED_OUT = 124;

    private Iperf3Commands() {
    }

    /**
     * Starts {@code iperf3 -s -1 -B addr -p port} in the background for one test, waits a second and prints
     * its process id (of timeout(1), iperf3's parent), or exits {@value #SERVER_DID_NOT_START} with iperf3's
     * own message when it did not stay up (a busy port, a missing address).
     */
    public static String startServer(TrafficTest test, int port, long limitSeconds) {
        SshHost server = test.server();
        String iperf3 = quote(server.iperf3());
        String argv = argv(List.of("timeout", "-k", "5", Long.toString(limitSeconds), server.iperf3(), "-s", "-1",
                "-B", server.testAddress(), "-p", Integer.toString(port)));
        return missingCheck(iperf3)
                + "log=$(mktemp /tmp/scanflow-iperf3.XXXXXX) || exit 1; "
                + "nohup " + argv + " </dev/null >\"$log\" 2>&1 & pid=$!; sleep 1; "
                + "if kill -0 \"$pid\" 2>/dev/null; then rm -f \"$log\"; echo \"$pid\"; "
                + "else cat \"$log\" >&2; rm -f \"$log\"; exit " + SERVER_DID_NOT_START + "; fi";
    }

    /** {@code iperf3 -c server -B client -p port -t d -J [-u -b rate] -P n}, bounded by timeout(1). */
    public static String runClient(TrafficTest test, int port, long limitSeconds) {
        SshHost client = test.client();
        List<String> args = new java.util.ArrayList<>(List.of("timeout", "-k", "5", Long.toString(limitSeconds),
                client.iperf3(), "-c", test.server().testAddress(), "-B", client.testAddress(),
                "-p", Integer.toString(port), "-t", Long.toString(test.duration().getSeconds()),
                "-P", Integer.toString(test.parallel()), "-J"));
        if (test.protocol() == TrafficProtocol.UDP) {
            args.addAll(List.of("-u", "-b", Long.toString(test.bandwidthBps())));
        }
        return missingCheck(quote(client.iperf3())) + "exec " + argv(args) + " </dev/null";
    }

    /**
     * Stops the server started for the test, by the process id it printed: TERM to timeout(1), which passes
     * it on to iperf3, then KILL to both after a second if still there. Only a timeout(1) process is
     * signalled, so a reused id never hits another program.
     */
    public static String stopServer(long pid) {
        String p = Long.toString(pid);
        return "if [ \"$(cat /proc/" + p + "/comm 2>/dev/null)\" = timeout ]; then "
                + "kill -TERM " + p + " 2>/dev/null; sleep 1; "
                + "pkill -KILL -P " + p + " 2>/dev/null; kill -KILL " + p + " 2>/dev/null; fi; "
                + "if pgrep -P " + p + " >/dev/null 2>&1; then echo 'iperf3 still running' >&2; exit 1; fi; exit 0";
    }

    private static String missingCheck(String quotedIperf3) {
        return "[ -x " + quotedIperf3 + " ] || { echo 'iperf3 not found: '" + quotedIperf3 + " >&2; exit "
                + IPERF3_MISSING + "; }; ";
    }

    private static String argv(List<String> args) {
        return args.stream().map(Iperf3Commands::quote).collect(Collectors.joining(" "));
    }

    /** Single-quoted for a POSIX shell; the values are validated already, this is the second fence. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
