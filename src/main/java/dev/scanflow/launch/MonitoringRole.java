package dev.scanflow.launch;

import dev.scanflow.server.monitoring.AlertmanagerPush;
import dev.scanflow.server.monitoring.MonitoringSettings;
import dev.scanflow.server.monitoring.MonitoringTargets;
import dev.scanflow.server.monitoring.TrafficEndpoint;
import dev.scanflow.traffic.SshHost;
import dev.scanflow.traffic.TrafficTestsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Monitoring (issue 16, routes/monitoring.yaml): Prometheus discovery over http_sd and file_sd, and the
 * Alertmanager push. The beans exist always; the timers do nothing while their settings are unset.
 */
final class MonitoringRole {

    private MonitoringRole() {
    }

    static void configure(CamelApp app, MonitoringSettings settings, DataSource dataSource, String schema, Path trafficTestsFile) {
        AlertmanagerPush alertmanager = new AlertmanagerPush(dataSource, schema, settings, Clock.systemUTC());
        app.closeOnStop(alertmanager);
        if (settings.alertmanagerEnabled()) {
            // every published event also reaches the push, which sends at once after an alert event (after its
            // commit, on the publishing route's own thread: never inside a report's transaction)
            String endpoints = app.propertyValue("scanflow.events.endpoints");
            app.property("scanflow.events.endpoints", (endpoints == null || endpoints.isBlank() ? "" : endpoints + ",")
                    + "bean:alertmanagerPush?method=nudge");
        }
        app.bean("monitoringTargets", new MonitoringTargets(dataSource, schema, settings, trafficEndpoints(trafficTestsFile)))
                .bean("alertmanagerPush", alertmanager)
                .property("scanflow.monitoring.file-sd-period-ms", settings.fileSdInterval().toMillis())
                .property("scanflow.alertmanager.period-ms", settings.resendInterval().toMillis());
    }

    /** The hosts the defined tests of config/traffic-tests.yaml use, with the tests each takes part in. */
    static List<TrafficEndpoint> trafficEndpoints(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        TrafficTestsConfig config = TrafficTestsConfig.load(file);
        Map<String, List<String>> testsByHost = new LinkedHashMap<>();
        for (TrafficTestsConfig.Scheduled scheduled : config.tests()) {
            for (SshHost end : List.of(scheduled.test().client(), scheduled.test().server())) {
                config.hosts().entrySet().stream().filter(h -> h.getValue().equals(end)).map(Map.Entry::getKey).sorted()
                        .findFirst().ifPresent(name -> {
                            List<String> tests = testsByHost.computeIfAbsent(name, n -> new ArrayList<>());
                            if (!tests.contains(scheduled.test().name())) {
                                tests.add(scheduled.test().name());
                            }
                        });
            }
        }
        List<TrafficEndpoint> endpoints = new ArrayList<>();
        testsByHost.forEach((name, tests) -> endpoints.add(new TrafficEndpoint(name, config.hosts().get(name).testAddress(), tests)));
        return endpoints;
    }
}
