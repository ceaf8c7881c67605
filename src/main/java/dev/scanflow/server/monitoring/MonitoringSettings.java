package dev.scanflow.server.monitoring;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Monitoring (issue 16): Prometheus service discovery and the Alertmanager push. Every key is listed with its
 * default in config/server.properties.
 *
 * @param exporterPorts     scanflow.monitoring.exporter-ports: TCP ports that, found open by a scan, make the host
 *                          a target (one per port), default 9100 (node exporter)
 * @param nodeExporterPort  scanflow.monitoring.node-exporter-port: the port of the targets ScanFlow knows without a
 *                          scan finding it open, the VMs it created and the hosts of traffic tests, default 9100
 * @param fileSd            scanflow.monitoring.file-sd: a file_sd JSON file written with the same targets, or null
 * @param fileSdInterval    scanflow.monitoring.file-sd-interval: how often that file is rewritten, default 1m
 * @param alertmanagers     scanflow.alertmanager.urls: Alertmanagers' base URLs (comma-separated); none = off
 * @param resendInterval    scanflow.alertmanager.resend-interval: active alerts are sent again this often, default 1m
 * @param timeout           scanflow.alertmanager.timeout: one POST to one Alertmanager, default 10s
 * @param externalUrl       scanflow.alertmanager.external-url: ScanFlow's base URL as people reach it, for each
 *                          alert's generatorURL; null = no generatorURL
 */
public record MonitoringSettings(List<Integer> exporterPorts, int nodeExporterPort, Path fileSd, Duration fileSdInterval,
                                 List<URI> alertmanagers, Duration resendInterval, Duration timeout, String externalUrl) {

    public MonitoringSettings {
        exporterPorts = List.copyOf(exporterPorts);
        alertmanagers = List.copyOf(alertmanagers);
    }

    public static MonitoringSettings from(SettingsSource source, Path home) {
        String file = source.raw("scanflow.monitoring.file-sd");
        if (file != null && !file.endsWith(".json")) {
            throw new InvalidSettings("scanflow.monitoring.file-sd: " + file + " must end in .json (Prometheus' file_sd"
                    + " reads a file's format from its name)");
        }
        Duration resend = source.duration("scanflow.alertmanager.resend-interval", Duration.ofMinutes(1));
        String external = source.raw("scanflow.alertmanager.external-url");
        if (external != null) {
            URI url = url("scanflow.alertmanager.external-url", external);
            external = url.toString().replaceAll("/+$", "");
        }
        return new MonitoringSettings(
                ports(source.string("scanflow.monitoring.exporter-ports", "9100")),
                source.integer("scanflow.monitoring.node-exporter-port", 9100, 1, 65535),
                file == null ? null : home.resolve(file),
                source.duration("scanflow.monitoring.file-sd-interval", Duration.ofMinutes(1)),
                alertmanagers(source.string("scanflow.alertmanager.urls", "")),
                resend,
                source.duration("scanflow.alertmanager.timeout", Duration.ofSeconds(10)),
                external);
    }

    public boolean alertmanagerEnabled() {
        return !alertmanagers.isEmpty();
    }

    private static List<Integer> ports(String text) {
        TreeSet<Integer> ports = new TreeSet<>();
        for (String part : text.split(",")) {
            String port = part.strip();
            if (port.isEmpty()) {
                continue;
            }
            try {
                int value = Integer.parseInt(port);
                if (value < 1 || value > 65535) {
                    throw new NumberFormatException();
                }
                ports.add(value);
            } catch (NumberFormatException e) {
                throw new InvalidSettings("scanflow.monitoring.exporter-ports: '" + port + "' is not a TCP port (1-65535)");
            }
        }
        if (ports.size() > 64) {
            throw new InvalidSettings("scanflow.monitoring.exporter-ports: at most 64 ports, not " + ports.size());
        }
        return new ArrayList<>(ports);
    }

    private static List<URI> alertmanagers(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> url("scanflow.alertmanager.urls", s)).map(u -> URI.create(u.toString().replaceAll("/+$", "")))
                .toList();
    }

    private static URI url(String key, String text) {
        URI url;
        try {
            url = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings(key + ": '" + text + "' is not a URL");
        }
        if (url.getRawUserInfo() != null) {
            // never repeated: the part before @ may be a password
            throw new InvalidSettings(key + ": a URL with a user name or password is not taken (Alertmanager's own"
                    + " API has no authentication; put a proxy with TLS in front of it where it needs one)");
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null
                || url.getRawQuery() != null) {
            throw new InvalidSettings(key + ": '" + text + "' must be an http:// or https:// URL without user or query,"
                    + " e.g. http://alertmanager.example.net:9093");
        }
        return url;
    }
}
