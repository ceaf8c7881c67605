package dev.scanflow.config;

import dev.scanflow.net.Cidr;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The agent role. Every key, its default and its meaning are listed in config/agent.properties.
 *
 * @param code           scanflow.agent.code: the agent's phpIPAM scanAgents.code, 32 characters (required)
 * @param token          scanflow.agent.token: bearer token the server issued, best as SCANFLOW_AGENT_TOKEN (required)
 * @param serverUrl      scanflow.agent.server-url, default http://127.0.0.1:8080
 * @param subnets        scanflow.agent.subnets: comma-separated CIDRs, default 127.0.0.0/29
 * @param schedule       scanflow.agent.schedule: Quartz cron, default every 5 minutes
 * @param scanOnStart    scanflow.agent.scan-on-start, default true: scan once right after start
 * @param nmap           scanflow.agent.nmap: the nmap executable, default nmap (from PATH)
 * @param scanTimeout    scanflow.agent.scan-timeout: kill nmap after this long, default 10m
 * @param hostTimeout    scanflow.agent.host-timeout: nmap --host-timeout, default 2m
 * @param reverseDns     scanflow.agent.reverse-dns, default false: let nmap resolve host names (else -n)
 * @param managementPort scanflow.agent.management-port, default 9877: /observe/health and /observe/metrics
 */
public record AgentSettings(String code, String token, URI serverUrl, List<Cidr> subnets, String schedule,
                            boolean scanOnStart, String nmap, Duration scanTimeout, Duration hostTimeout,
                            boolean reverseDns, int managementPort) {

    public static AgentSettings from(SettingsSource source) {
        String code = source.required("scanflow.agent.code");
        if (!code.matches("[A-Za-z0-9_=-]{32}")) {
            throw new InvalidSettings("scanflow.agent.code must be the 32-character phpIPAM agent code");
        }
        URI serverUrl;
        try {
            serverUrl = URI.create(source.string("scanflow.agent.server-url", "http://127.0.0.1:8080"));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings("scanflow.agent.server-url is not a URL: " + e.getMessage());
        }
        if (!"http".equals(serverUrl.getScheme()) && !"https".equals(serverUrl.getScheme())) {
            throw new InvalidSettings("scanflow.agent.server-url must be http:// or https://");
        }
        List<Cidr> subnets;
        try {
            subnets = Arrays.stream(source.string("scanflow.agent.subnets", "127.0.0.0/29").split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings("scanflow.agent.subnets: " + e.getMessage());
        }
        Duration scanTimeout = source.duration("scanflow.agent.scan-timeout", Duration.ofMinutes(10));
        Duration hostTimeout = source.duration("scanflow.agent.host-timeout", Duration.ofMinutes(2));
        if (hostTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            // nmap takes whole seconds here, and 0 means no timeout at all
            throw new InvalidSettings("scanflow.agent.host-timeout must be at least 1s");
        }
        if (hostTimeout.compareTo(scanTimeout) > 0) {
            throw new InvalidSettings("scanflow.agent.host-timeout must not exceed scanflow.agent.scan-timeout");
        }
        return new AgentSettings(code, source.required("scanflow.agent.token"), serverUrl, subnets,
                source.string("scanflow.agent.schedule", "0 */5 * * * ?"),
                source.bool("scanflow.agent.scan-on-start", true),
                source.string("scanflow.agent.nmap", "nmap"),
                scanTimeout, hostTimeout,
                source.bool("scanflow.agent.reverse-dns", false),
                source.integer("scanflow.agent.management-port", 9877, 1, 65535));
    }

    @Override
    public String toString() {
        return "AgentSettings[code=" + code.substring(0, 4) + "…, token=****, serverUrl=" + serverUrl
                + ", subnets=" + subnets + ", schedule=" + schedule + "]";
    }
}
