package dev.scanflow.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * config/traffic-tests.yaml, read once at start: every key is documented in that file, an unknown or wrong
 * one refuses the start with a message naming it.
 *
 * @param knownHosts the operator's known_hosts file (strict host keys); null when no hosts are defined
 * @param firstPort  first iperf3 server port of the range
 * @param lastPort   last iperf3 server port of the range
 * @param sshTimeout limit for connecting, logging in and the short SSH steps
 * @param hosts      the hosts by name
 * @param tests      the defined tests, each with an optional cron schedule
 * @param agentTests tests a site's agent runs (runBy): only their name, agent and schedule are here; the
 *                   hosts and the test itself are in that agent's own traffic tests file
 */
public record TrafficTestsConfig(Path knownHosts, int firstPort, int lastPort, Duration sshTimeout,
                                 Map<String, SshHost> hosts, List<Scheduled> tests, List<AgentTest> agentTests) {

    /** A defined test and its Quartz cron expression (null: on demand only). */
    public record Scheduled(TrafficTest test, String cron) {
    }

    /**
     * A test run by a site's agent (hosts behind its NAT): the server queues it as work for that agent.
     *
     * @param name  the test's name, defined in full in the agent's own traffic tests file
     * @param runBy the agent's code (phpIPAM's scan agent code, as in its token)
     * @param cron  a Quartz cron expression, or null: on demand only
     */
    public record AgentTest(String name, String runBy, String cron) {

        public static final Pattern AGENT_CODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

        public AgentTest {
            SshHost.require(name != null && TrafficTest.NAME.matcher(name).matches(),
                    "name must match " + TrafficTest.NAME.pattern() + ": " + name);
            SshHost.require(runBy != null && AGENT_CODE.matcher(runBy).matches(),
                    "runBy must be an agent code (" + AGENT_CODE.pattern() + "): " + runBy);
            SshHost.require(cron == null || CronExpression.isValidExpression(cron),
                    "schedule is not a Quartz cron expression: " + cron);
        }
    }

    private static final Set<String> TOP = Set.of("knownHosts", "ports", "sshTimeout", "hosts", "tests");
    private static final Set<String> HOST = Set.of("ssh", "port", "user", "key", "address", "iperf3");
    private static final Set<String> TEST = Set.of("name", "client", "server", "protocol", "duration", "bandwidth",
            "parallel", "timeout", "schedule", "thresholds");
    private static final Set<String> AGENT_TEST = Set.of("name", "runBy", "schedule");
    private static final Set<String> THRESHOLDS = Set.of("minThroughput", "maxLoss", "maxJitterMs", "maxRetransmits");
    private static final Pattern PORTS = Pattern.compile("(\\d{1,5})-(\\d{1,5})");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(s|m)");
    private static final Pattern RATE = Pattern.compile("(\\d{1,12})([KMG]?)");

    public TrafficTestsConfig {
        hosts = Map.copyOf(hosts);
        tests = List.copyOf(tests);
        agentTests = agentTests == null ? List.of() : List.copyOf(agentTests);
    }

    public TrafficTest test(String name) {
        return tests.stream().map(Scheduled::test).filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    /** The test of this name that an agent runs, or null. */
    public AgentTest agentTest(String name) {
        return agentTests.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    /** Whether this file defines anything to run: hosts of the server's own, or tests agents run. */
    public boolean definesAnything() {
        return !hosts.isEmpty() || !agentTests.isEmpty();
    }

    public static TrafficTestsConfig load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static TrafficTestsConfig parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("must be a mapping with knownHosts, ports, hosts, tests");
        }
        known(root, TOP, "top level");
        // only hosts need host keys: a server whose tests all run on agents has none
        Path knownHosts = root.path("hosts").size() == 0 && !root.hasNonNull("knownHosts") ? null
                : Path.of(required(root, "knownHosts", "top level").asText());
        Matcher ports = PORTS.matcher(text(root, "ports", "5201-5220"));
        SshHost.require(ports.matches(), "ports must be FIRST-LAST, e.g. 5201-5220");
        int first = Integer.parseInt(ports.group(1));
        int last = Integer.parseInt(ports.group(2));
        new TestSlots(first, last); // validates the range
        Duration sshTimeout = duration(text(root, "sshTimeout", "10s"), "sshTimeout");
        Map<String, SshHost> hosts = new LinkedHashMap<>();
        JsonNode hostNodes = root.path("hosts");
        for (Iterator<Map.Entry<String, JsonNode>> it = hostNodes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String where = "hosts." + entry.getKey();
            JsonNode h = entry.getValue();
            known(h, HOST, where);
            String ssh = required(h, "ssh", where).asText();
            hosts.put(entry.getKey(), at(where, () -> new SshHost(ssh, h.path("port").asInt(22),
                    required(h, "user", where).asText(), Path.of(required(h, "key", where).asText()),
                    text(h, "address", ssh), text(h, "iperf3", "/usr/bin/iperf3"))));
        }
        List<Scheduled> tests = new ArrayList<>();
        List<AgentTest> agentTests = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (JsonNode t : root.path("tests")) {
            String name;
            if (t.isObject() && t.has("runBy")) {
                String where = "tests." + t.path("name").asText("?");
                SshHost.require(t.fieldNames().hasNext() && iterable(t).stream().allMatch(AGENT_TEST::contains),
                        where + ": a test with runBy is defined in full in that agent's own traffic tests file;"
                                + " here it takes only name, runBy and schedule");
                AgentTest test = at(where, () -> new AgentTest(required(t, "name", where).asText(), t.get("runBy").asText(),
                        t.hasNonNull("schedule") ? t.get("schedule").asText() : null));
                agentTests.add(test);
                name = test.name();
            } else {
                Scheduled scheduled = scheduled(t, hosts);
                tests.add(scheduled);
                name = scheduled.test().name();
            }
            SshHost.require(names.add(name), "tests." + name + ": name used twice");
        }
        return new TrafficTestsConfig(knownHosts, first, last, sshTimeout, hosts, tests, agentTests);
    }

    private static List<String> iterable(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /**
     * A test given in a request, in the same form as under tests (without schedule): its client and server
     * must be hosts of this file, so ScanFlow logs in only where the operator configured it.
     */
    public TrafficTest given(JsonNode request) {
        SshHost.require(request != null && request.isObject(), "the request must be a JSON object");
        SshHost.require(!request.has("schedule"), "schedule belongs in traffic-tests.yaml, not in a request");
        SshHost.require(!request.has("runBy"), "runBy belongs in traffic-tests.yaml: ask for a test an agent runs by its name");
        return scheduled(request, hosts).test();
    }

    private static Scheduled scheduled(JsonNode t, Map<String, SshHost> hosts) {
        SshHost.require(t.isObject(), "a test must be a mapping");
        String name = t.path("name").asText("?");
        String where = "tests." + name;
        known(t, TEST, where);
        SshHost client = hosts.get(required(t, "client", where).asText());
        SshHost server = hosts.get(required(t, "server", where).asText());
        SshHost.require(client != null, where + ".client names no host under hosts");
        SshHost.require(server != null, where + ".server names no host under hosts");
        TrafficProtocol protocol = at(where + ".protocol",
                () -> TrafficProtocol.valueOf(text(t, "protocol", "tcp").toUpperCase(Locale.ROOT)));
        Duration duration = duration(text(t, "duration", "10s"), where + ".duration");
        Duration timeout = t.has("timeout") ? duration(t.get("timeout").asText(), where + ".timeout")
                : duration.plusSeconds(30);
        Long bandwidth = t.has("bandwidth") ? rate(t.get("bandwidth").asText(), where + ".bandwidth") : null;
        JsonNode th = t.path("thresholds");
        known(th, THRESHOLDS, where + ".thresholds");
        Thresholds thresholds = at(where + ".thresholds", () -> new Thresholds(
                th.has("minThroughput") ? rate(th.get("minThroughput").asText(), where + ".thresholds.minThroughput") : null,
                th.has("maxLoss") ? th.get("maxLoss").asDouble() : null,
                th.has("maxJitterMs") ? th.get("maxJitterMs").asDouble() : null,
                th.has("maxRetransmits") ? th.get("maxRetransmits").asLong() : null));
        TrafficTest test = at(where, () -> new TrafficTest(name, client, server, protocol, duration, bandwidth,
                t.path("parallel").asInt(1), timeout, thresholds));
        String cron = t.has("schedule") ? t.get("schedule").asText() : null;
        SshHost.require(cron == null || CronExpression.isValidExpression(cron),
                where + ".schedule is not a Quartz cron expression: " + cron);
        return new Scheduled(test, cron);
    }

    /** "500K", "100M", "1G" (bits per second, powers of 1000 as iperf3 counts) or a plain number. */
    static long rate(String text, String where) {
        Matcher m = RATE.matcher(text.strip());
        SshHost.require(m.matches(), where + " must be a bit rate like 500K, 100M, 1G: " + text);
        long factor = switch (m.group(2)) {
            case "K" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            default -> 1L;
        };
        return Math.multiplyExact(Long.parseLong(m.group(1)), factor);
    }

    static Duration duration(String text, String where) {
        Matcher m = DURATION.matcher(text.strip());
        SshHost.require(m.matches(), where + " must be like 10s or 2m: " + text);
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
    }

    private static void known(JsonNode node, Set<String> keys, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        SshHost.require(node.isObject(), where + " must be a mapping");
        node.fieldNames().forEachRemaining(k -> SshHost.require(keys.contains(k),
                "unknown key " + where + "." + k + " (known: " + String.join(", ", new java.util.TreeSet<>(keys)) + ")"));
    }

    private static JsonNode required(JsonNode node, String key, String where) {
        SshHost.require(node.hasNonNull(key), where + "." + key + " is required");
        return node.get(key);
    }

    private static String text(JsonNode node, String key, String fallback) {
        return node.hasNonNull(key) ? node.get(key).asText() : fallback;
    }

    private static <T> T at(String where, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
