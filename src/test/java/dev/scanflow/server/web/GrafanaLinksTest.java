package dev.scanflow.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.config.ConsoleSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page's Grafana links point at dashboards config/grafana ships, by their uid and a variable they have. */
class GrafanaLinksTest {

    private static final Path DASHBOARDS = Path.of("config/grafana/dashboards");

    @Test
    void everyTemplateNamesAShippedDashboardAndOneOfItsVariables() throws Exception {
        GrafanaLinks.Templates links = new GrafanaLinks(settings("https://grafana.example.org/").grafanaUrl()).templates();
        List<String> checked = new ArrayList<>();
        for (String template : List.of(links.host(), links.subnet(), links.traffic())) {
            Matcher link = Pattern.compile("https://grafana\\.example\\.org/d/([a-z-]+)/[a-z-]+\\?var-([a-z]+)=\\{value}").matcher(template);
            assertTrue(link.matches(), template);
            JsonNode dashboard = find(link.group(1));
            List<String> variables = new ArrayList<>();
            dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
            assertTrue(variables.contains(link.group(2)), link.group(1) + " has no variable " + link.group(2) + ": " + variables);
            assertTrue(dashboard.toString().contains("${" + link.group(2) + "}"), "a query of " + link.group(1) + " uses $" + link.group(2));
            checked.add(link.group(1));
        }
        assertEquals(List.of("scanflow-host", "scanflow-subnet", "scanflow-traffic"), checked);
    }

    @Test
    void noSettingNoLinks() {
        GrafanaLinks.Templates links = new GrafanaLinks(settings(null).grafanaUrl()).templates();
        assertNull(links.host());
        assertNull(links.subnet());
        assertNull(links.traffic());
    }

    @Test
    void aGrafanaUrlIsAnHttpUrlWithoutQueryOrCredentials() {
        assertEquals("http://127.0.0.1:3000/grafana", settings("http://127.0.0.1:3000/grafana/").grafanaUrl());
        for (String wrong : List.of("grafana.example.org", "ftp://grafana.example.org/", "https://grafana.example.org/?orgId=1",
                "https://admin:secret@grafana.example.org/", "javascript:alert(1)")) {
            InvalidSettings refused = assertThrows(InvalidSettings.class, () -> settings(wrong), wrong);
            assertTrue(refused.getMessage().startsWith("scanflow.web.grafana-url: "), refused.getMessage());
        }
    }

    private static ConsoleSettings settings(String url) {
        Properties properties = new Properties();
        if (url != null) {
            properties.setProperty("scanflow.web.grafana-url", url);
        }
        return ConsoleSettings.from(SettingsSource.of(properties));
    }

    private static JsonNode find(String uid) throws Exception {
        try (var files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
                if (uid.equals(dashboard.path("uid").asText())) {
                    return dashboard;
                }
            }
        }
        throw new AssertionError("no dashboard with uid " + uid + " in " + DASHBOARDS);
    }
}
