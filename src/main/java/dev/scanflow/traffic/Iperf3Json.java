package dev.scanflow.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads iperf3 3.12's {@code -J} output. iperf3 exits 0 even when the test failed and says so in a top-level
 * {@code error} field, so that field is looked at first.
 */
public final class Iperf3Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Iperf3Json() {
    }

    /** The figures, or a {@link TrafficTestFailed} with iperf3's own error message. */
    public static TrafficFigures figures(String json, TrafficProtocol protocol) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json == null ? "" : json);
        } catch (java.io.IOException e) {
            throw new TrafficTestFailed(TrafficTestFailed.Reason.IPERF3_FAILED,
                    "iperf3 output is not JSON: " + abbreviate(json));
        }
        if (root == null || !root.isObject()) {
            throw new TrafficTestFailed(TrafficTestFailed.Reason.IPERF3_FAILED, "iperf3 gave no output");
        }
        if (root.hasNonNull("error")) {
            throw new TrafficTestFailed(TrafficTestFailed.Reason.IPERF3_FAILED, "iperf3: " + root.get("error").asText());
        }
        JsonNode end = root.path("end");
        JsonNode cpu = end.path("cpu_utilization_percent");
        double clientCpu = cpu.path("host_total").asDouble();
        double serverCpu = cpu.path("remote_total").asDouble();
        if (protocol == TrafficProtocol.TCP) {
            JsonNode sent = end.path("sum_sent");
            JsonNode received = end.path("sum_received");
            if (!sent.has("bits_per_second") || !received.has("bits_per_second")) {
                throw new TrafficTestFailed(TrafficTestFailed.Reason.IPERF3_FAILED, "iperf3 output has no end.sum_sent/sum_received");
            }
            return new TrafficFigures(sent.path("bits_per_second").asDouble(), received.path("bits_per_second").asDouble(),
                    sent.path("retransmits").asLong(), null, null, clientCpu, serverCpu);
        }
        JsonNode sum = end.path("sum");
        if (!sum.has("jitter_ms") || !sum.has("lost_percent")) {
            throw new TrafficTestFailed(TrafficTestFailed.Reason.IPERF3_FAILED, "iperf3 output has no end.sum jitter/loss");
        }
        double lost = sum.path("lost_percent").asDouble();
        double sentBps = end.path("sum_sent").path("bits_per_second").asDouble(sum.path("bits_per_second").asDouble());
        // the receiver's rate: 3.12 reports it in sum_received; without it the sent rate less what was lost
        double receivedBps = end.path("sum_received").has("bits_per_second")
                ? end.path("sum_received").path("bits_per_second").asDouble()
                : sentBps * (1 - lost / 100);
        return new TrafficFigures(sentBps, receivedBps, null, sum.path("jitter_ms").asDouble(), lost, clientCpu, serverCpu);
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        String s = text.strip();
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
