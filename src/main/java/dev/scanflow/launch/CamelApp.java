package dev.scanflow.launch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import dev.scanflow.health.ReadinessMonitor;
import dev.scanflow.metrics.MetricNaming;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.main.Main;

/**
 * One Camel runtime on camel-main, assembled from what the roles contribute: named beans, Camel and
 * ScanFlow properties (route placeholders such as {{scanflow.agent.schedule}}) and route file patterns.
 */
public final class CamelApp implements AutoCloseable {

    private final Map<String, Object> beans = new LinkedHashMap<>();
    private final Properties properties = new Properties();
    private final List<String> routePatterns = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<java.util.function.Consumer<CamelContext>> onStarted = new ArrayList<>();
    private PrometheusMeterRegistry meterRegistry;
    private ReadinessMonitor readiness;
    private Main main;

    /**
     * The readiness checks of this runtime (database, delivery, phpIPAM's API...), run in the background once
     * Camel has started; roles and features register theirs before that.
     */
    public ReadinessMonitor readiness() {
        if (readiness == null) {
            readiness = new ReadinessMonitor(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2),
                    java.time.Clock.systemUTC());
            ReadinessMonitor monitor = readiness;
            onStarted(monitor::start);
            closeOnStop(monitor);
        }
        return readiness;
    }

    /**
     * The one meter registry of this runtime, served by camel-micrometer-prometheus on /observe/metrics: the
     * server's and the agent's meters (the demo runs both) and Camel's own land in the same scrape.
     */
    public PrometheusMeterRegistry meterRegistry() {
        if (meterRegistry == null) {
            useMeterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        }
        return meterRegistry;
    }

    /** Tests that read meters directly bring their own registry; it must come before any other. */
    public CamelApp useMeterRegistry(PrometheusMeterRegistry registry) {
        if (meterRegistry != null && meterRegistry != registry) {
            throw new IllegalStateException("this runtime already has a meter registry");
        }
        if (meterRegistry == null) {
            MetricNaming.apply(registry);
            meterRegistry = registry;
            bean(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        return this;
    }

    public CamelApp bean(String name, Object bean) {
        beans.put(name, bean);
        return this;
    }

    public CamelApp property(String key, Object value) {
        properties.setProperty(key, String.valueOf(value));
        return this;
    }

    public CamelApp routes(String pattern) {
        routePatterns.add(pattern);
        return this;
    }

    /** Closed after Camel stops, in reverse order: the database pool after the routes that use it. */
    public CamelApp closeOnStop(AutoCloseable resource) {
        resources.add(resource);
        return this;
    }

    /** Runs once Camel has started, e.g. to add a handler to the HTTP server that a route cannot express. */
    public CamelApp onStarted(java.util.function.Consumer<CamelContext> action) {
        onStarted.add(action);
        return this;
    }

    public String propertyValue(String key) {
        return properties.getProperty(key);
    }

    private Main build() {
        Main built = new Main();
        beans.forEach(built::bind);
        Properties all = new Properties();
        all.putAll(properties);
        all.setProperty("camel.main.routesIncludePattern", String.join(",", routePatterns));
        built.setOverrideProperties(all);
        return built;
    }

    /** Starts and returns at once: for tests and for the demo, which prints while it runs. */
    public CamelContext start() throws Exception {
        main = build();
        main.start();
        onStarted.forEach(action -> action.accept(main.getCamelContext()));
        return main.getCamelContext();
    }

    /** Runs until the JVM is asked to stop (Ctrl-C, SIGTERM). */
    public void run() throws Exception {
        main = build();
        // run() blocks until shutdown; its afterStart listeners are where start-up actions fit
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void afterStart(org.apache.camel.main.BaseMainSupport started) {
                onStarted.forEach(action -> action.accept(started.getCamelContext()));
            }
        });
        try {
            main.run();
        } finally {
            closeResources();
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() throws Exception {
        if (main != null) {
            main.stop();
        }
        closeResources();
    }

    private void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // shutting down: nothing useful to do with a close failure
            }
        }
        resources.clear();
    }
}
