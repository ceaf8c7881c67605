package dev.scanflow.launch;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.ManagementSettings;
import dev.scanflow.health.HealthEndpoints;
import dev.scanflow.management.GuardedHttpServerFactory;
import dev.scanflow.management.MutualTlsVertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.apache.camel.support.jsse.SSLContextParameters;

/** Health, Prometheus metrics, JMX and Jolokia (for Hawtio), the same for every role, behind the observe guard. */
final class Observability {

    static final String HEALTH_PATH = "/observe/health";

    private Observability() {
    }

    /**
     * @param host the address the management endpoints listen on (the server's own address when they share its port)
     * @param tls  the listener's TLS, or null for plain HTTP
     * @param requireClientCertificates whether a TLS client must present a certificate the trust store accepts
     * @param home the install directory, which no answer shows
     */
    static void configure(CamelApp app, String host, int port, ManagementSettings management, SSLContextParameters tls,
                          boolean requireClientCertificates, Path home) {
        requireFree(host, port);
        app.bean("scanflowHttpServerFactory", new GuardedHttpServerFactory(management, tls, home));
        if (requireClientCertificates) {
            MutualTlsVertx vertx = MutualTlsVertx.create();
            app.bean("scanflowVertx", vertx.vertx()).closeOnStop(vertx);
        }
        app.meterRegistry();
        app.readiness();
        app.property("camel.main.jmxEnabled", true)
                .property("camel.management.enabled", true)
                .property("camel.management.host", host)
                .property("camel.management.port", port)
                .property("camel.management.healthCheckEnabled", true)
                .property("camel.management.metricsEnabled", true)
                // /observe/info is answered by the guard: Camel's own names the OS user, home and working directory
                .property("camel.management.infoEnabled", false)
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
    private static void requireFree(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new InvalidSettings(host + " port " + port + " cannot be listened on (" + e.getMessage()
                    + "); choose another (--port, scanflow.server.port or scanflow.agent.management-port)");
        }
    }
}
