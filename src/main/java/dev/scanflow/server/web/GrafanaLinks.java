package dev.scanflow.server.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * GET /api/v1/grafana-links (routes/grafana-links.yaml): where the page links a host, a subnet and a traffic
 * pair in Grafana, as URL templates over the dashboards shipped in config/grafana/dashboards (their uids and
 * textbox variables); the page puts the value in place of {value}. With scanflow.web.grafana-url unset every
 * template is null and the page shows no links.
 */
public final class GrafanaLinks {

    /** The dashboards' uids and variables: GrafanaLinksTest checks them against config/grafana/dashboards. */
    static final String HOST = "/d/scanflow-host/scanflow-host?var-address={value}";
    static final String SUBNET = "/d/scanflow-subnet/scanflow-subnet?var-subnet={value}";
    static final String TRAFFIC = "/d/scanflow-traffic/scanflow-traffic?var-pair={value}";

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Templates(String host, String subnet, String traffic) {
    }

    private final Templates templates;

    /** @param grafanaUrl scanflow.web.grafana-url without its trailing slash, or null */
    public GrafanaLinks(String grafanaUrl) {
        this.templates = grafanaUrl == null ? new Templates(null, null, null)
                : new Templates(grafanaUrl + HOST, grafanaUrl + SUBNET, grafanaUrl + TRAFFIC);
    }

    public Templates templates() {
        return templates;
    }
}
