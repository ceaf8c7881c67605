package dev.scanflow.launch;

import dev.scanflow.config.InvalidSettings;
import java.io.IOException;
import java.net.ServerSocket;

/** Health, Prometheus metrics, JMX and Jolokia (for Hawtio), the same for every role. */
final class Observability {

    private Observability() {
    }

    static void configure(CamelApp app, int port) {
        requireFree(port);
        app.property("camel.main.jmxEnabled", true)
                .property("camel.management.enabled", true)
                .property("camel.management.port", port)
                .property("camel.management.healthCheckEnabled", true)
                .property("camel.management.metricsEnabled", true)
                .property("camel.management.infoEnabled", true)
                .property("camel.management.jolokiaEnabled", true)
                .property("camel.metrics.enabled", true)
                .property("camel.metrics.enableRoutePolicy", true)
                .property("camel.metrics.binders", "jvm-memory,jvm-gc,jvm-thread,processor");
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
