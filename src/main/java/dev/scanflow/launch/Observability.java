package dev.scanflow.launch;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.health.HealthEndpoints;
import java.io.IOException;
import java.net.ServerSocket;

/** Health, Prometheus metrics, JMX and Jolokia (for Hawtio), the same for every role. */
final class Observability {

    static final String HEALTH_PATH = "/observe/health";

    private Observability() {
    }

    static void configure(CamelApp app, int port) {
        requireFree(port);
        app.meterRegistry();
        app.readiness();
        app.property("camel.main.jmxEnabled", true)
                .property("camel.management.enabled", true)
                .property("camel.management.port", port)
                .property("camel.management.healthCheckEnabled", true)
                .property("camel.management.metricsEnabled", true)
                .property("camel.management.infoEnabled", true)
                .property("camel.management.jolokiaEnabled", true)
                // producers' checks too: a Kafka endpoint's broker counts for readiness
                .property("camel.health.producersEnabled", true)
                .property("camel.metrics.enabled", true)
                .property("camel.metrics.enableRoutePolicy", true)
                .property("camel.metrics.binders", "jvm-memory,jvm-gc,jvm-thread,processor");
        // health answers ahead of Camel's own handlers, never queued behind a Jolokia call (HealthEndpoints)
        app.onStarted(context -> HealthEndpoints.install(context, port, HEALTH_PATH));
    }

    /** Vert.x only logs a warning when its port is taken and Camel starts anyway: refuse to start instead. */
    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket(port)) {
            probe.setReuseAddress(true);
        } catch (IOException e) {
            throw new InvalidSettings("port " + port + " is already in use; choose another (--port or scanflow.server.port)");
        }
    }
}
