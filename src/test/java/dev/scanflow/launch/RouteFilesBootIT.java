package dev.scanflow.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.demo.PhpipamView;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

/**
 * camel-main boots with every real route file of routes/, routes/demo and agent-routes/ (as the demo role
 * loads them), so an unknown endpoint option or a bean name that does not exist fails here, not in production.
 */
class RouteFilesBootIT {

    private static final String CODE = "Boot-agent-code-0123456789abcdeB";

    @Test
    void everyRouteFileBootsAndHealthMetricsAndJmxAreServed() throws Exception {
        Path home = ServerUnderTest.HOME;
        int port = ServerUnderTest.freePort();
        try (TestPhpipam phpipam = TestPhpipam.create(); CamelApp app = new CamelApp()) {
            Properties properties = phpipam.serverProperties();
            properties.setProperty("scanflow.server.host", "127.0.0.1");
            properties.setProperty("scanflow.server.port", Integer.toString(port));
            properties.setProperty("scanflow.agent.code", CODE);
            properties.setProperty("scanflow.agent.token", "boot-token");
            properties.setProperty("scanflow.agent.server-url", "http://127.0.0.1:" + port);
            properties.setProperty("scanflow.agent.scan-on-start", "false");
            // a spool of its own: never the install directory's, where another run's reports could wait
            properties.setProperty("scanflow.agent.spool.dir",
                    java.nio.file.Files.createTempDirectory("boot-spool").toString());
            properties.setProperty("scanflow.server.api-token", "boot-operator-token");
            SettingsSource source = SettingsSource.of(properties);
            ServerRole.configure(app, ServerSettings.from(source, home), AgentTokens.ofPlainTokens(Map.of(CODE, "boot-token")), home);
            AgentRole.configure(app, AgentSettings.from(source), home);
            app.bean("phpipamView", new PhpipamView()).routes("file:" + home.resolve("routes/demo") + "/*.yaml");

            CamelContext context = app.start();

            Set<String> routes = context.getRoutes().stream().map(Route::getRouteId).collect(Collectors.toSet());
            Set<String> declared = declaredRouteIds(home.resolve("routes"), home.resolve("routes/demo"), home.resolve("agent-routes"));
            assertTrue(declared.containsAll(Set.of("report-intake", "scan-schedule", "scan-subnet", "demo-phpipam-view")), declared.toString());
            assertEquals(declared, routes, "every route declared in the route files is running");
            for (String id : routes) {
                ServiceStatus status = context.getRouteController().getRouteStatus(id);
                assertEquals(ServiceStatus.Started, status, id);
            }

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("UP"), health.body());

            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "Prometheus text with JVM metrics");
            assertTrue(metrics.body().contains("route_id=\"report-intake\""), "route metrics per route");

            HttpResponse<String> jolokiaRead = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/observe/jolokia/read/org.apache.camel:context=scanflow,type=routes,name=%22report-intake%22/ExchangesTotal"))
                    .header("Authorization", "Bearer boot-operator-token").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(jolokiaRead.body().contains("\"status\":200"), "Hawtio can read Camel's MBeans: " + jolokiaRead.body());
            HttpResponse<String> jolokiaGc = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/observe/jolokia/exec/java.lang:type=Memory/gc")).header("Authorization", "Bearer boot-operator-token")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, jolokiaGc.statusCode(), "but not run operations on the JVM: " + jolokiaGc.body());

            Set<ObjectName> camelBeans = ManagementFactory.getPlatformMBeanServer()
                    .queryNames(new ObjectName("org.apache.camel:type=routes,*"), null);
            assertFalse(camelBeans.isEmpty(), "routes are visible over JMX");
        }
    }

    private static Set<String> declaredRouteIds(Path... dirs) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper yaml =
                new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        Set<String> ids = new java.util.TreeSet<>();
        for (Path dir : dirs) {
            try (var files = java.nio.file.Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    for (com.fasterxml.jackson.databind.JsonNode item : yaml.readTree(file.toFile())) {
                        if (item.has("route")) {
                            ids.add(item.get("route").get("id").asText());
                        }
                        // routes made from a template (routes/console-api.yaml) carry their id as routeId
                        if (item.has("templatedRoute")) {
                            ids.add(item.get("templatedRoute").get("routeId").asText());
                        }
                    }
                }
            }
        }
        return ids;
    }
}
