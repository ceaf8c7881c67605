package dev.scanflow.agent;

import com.sun.net.httpserver.HttpServer;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.report.ScanReport;
import dev.scanflow.server.intake.ReportReader;
import dev.scanflow.server.intake.ReportRejected;
import dev.scanflow.testing.ServerUnderTest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.apache.camel.CamelContext;

/**
 * The real agent routes (agent-routes/*.yaml) on camel-main, alone, reporting to a catcher on loopback that
 * reads every report with the server's own {@link ReportReader} (so each one is checked against the JSON
 * Schema) and answers 202. A cycle is run on demand: {@link #scanCycle()} returns when it is over.
 */
public final class AgentUnderTest implements AutoCloseable {

    public static final String CODE = "Test-agent-code-0123456789abcdeQ";

    static {
        // the catcher stands in for the server (Vert.x, TCP_NODELAY): the JDK's server writes headers and body
        // apart, and without TCP_NODELAY each answer waits ~40 ms for a delayed ACK that bench/scanner would time
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One reader for every report, as the server has (a new one loads and compiles both JSON Schemas). */
    private final ReportReader reader = new ReportReader();
    private final CamelApp app;
    private final HttpServer catcher;
    private final PrometheusMeterRegistry registry;
    private final List<ScanReport> reports = Collections.synchronizedList(new ArrayList<>());
    private final List<String> rejections = Collections.synchronizedList(new ArrayList<>());
    private CamelContext context;

    private AgentUnderTest(Properties properties) throws IOException {
        catcher = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        catcher.createContext("/api/v1/reports", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            int status;
            String answer;
            try {
                ScanReport report = reader.read(body);
                reports.add(report);
                status = 202;
                answer = "{\"reportId\":\"" + report.reportId() + "\",\"status\":\"applied\"}";
            } catch (ReportRejected e) {
                rejections.add(e.getMessage());
                status = 400;
                answer = "{\"status\":400,\"message\":\"rejected\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        catcher.start();
        Properties all = new Properties();
        all.setProperty("scanflow.agent.code", CODE);
        all.setProperty("scanflow.agent.token", "test-token");
        all.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        all.setProperty("scanflow.agent.scan-on-start", "false");
        all.putAll(properties);
        all.setProperty("scanflow.agent.server-url", "http://127.0.0.1:" + catcher.getAddress().getPort());
        if (!all.containsKey("scanflow.agent.spool.dir")) {
            // every agent under test its own spool
            all.setProperty("scanflow.agent.spool.dir", java.nio.file.Files.createTempDirectory("scanflow-spool-").toString());
        }
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        app = new CamelApp();
        AgentRole.configure(app, AgentSettings.from(SettingsSource.of(all)), java.util.Optional.empty(), ServerUnderTest.HOME, registry);
        app.property("camel.main.name", "agent-under-test");
    }

    public static AgentUnderTest start(Properties properties) throws Exception {
        AgentUnderTest agent = new AgentUnderTest(properties);
        try {
            agent.context = agent.app.start();
        } catch (Exception e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    /**
     * Runs one scan cycle (every subnet, every chunk), waits until the spool has delivered what it made, and
     * returns the reports the server received during it.
     */
    public List<ScanReport> scanCycle() {
        int before = reports.size();
        context.createProducerTemplate().sendBody("direct:scan-cycle", null);
        dev.scanflow.agent.spool.ReportSpool spool = context.getRegistry()
                .lookupByNameAndType("reportSpool", dev.scanflow.agent.spool.ReportSpool.class);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!spool.waiting().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5); // the spool empties within milliseconds of the 202: a coarse poll would time the harness
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (reports) {
            return List.copyOf(reports.subList(before, reports.size()));
        }
    }

    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public CamelContext context() {
        return context;
    }

    @Override
    public void close() throws Exception {
        try {
            app.close();
        } finally {
            catcher.stop(0);
        }
    }
}
