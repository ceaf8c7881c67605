package dev.scanflow.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * {@code /observe/health}, {@code /live} and {@code /ready} answered ahead of Camel's own handlers. Camel runs
 * its management handlers (health, Jolokia, metrics) as ORDERED blocking handlers, one after the other, so a
 * slow Jolokia call held every health request behind it. These run unordered on Vert.x's worker pool, and
 * every check they call answers from memory (ScanFlow's own checks from {@link ReadinessMonitor}).
 *
 * <p>Liveness is the Camel context only: a database or a server that is down makes the process not ready,
 * never "dead", so an orchestrator does not restart a healthy process for someone else's outage.
 */
public final class HealthEndpoints {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HealthEndpoints() {
    }

    public static void install(CamelContext context, int port, String basePath) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            throw new IllegalStateException("no HTTP router on port " + port + " for " + basePath);
        }
        router.route(HttpMethod.GET, basePath).order(-100).blockingHandler(ctx -> answer(context, ctx, Kind.ALL), false);
        router.route(HttpMethod.GET, basePath + "/live").order(-100).blockingHandler(ctx -> answer(context, ctx, Kind.LIVE), false);
        router.route(HttpMethod.GET, basePath + "/ready").order(-100).blockingHandler(ctx -> answer(context, ctx, Kind.READY), false);
    }

    private enum Kind { ALL, LIVE, READY }

    private static void answer(CamelContext context, RoutingContext ctx, Kind kind) {
        Collection<HealthCheck.Result> results = switch (kind) {
            // "full": every check with its state; Camel's default level hides the checks that are UP
            case ALL -> HealthCheckHelper.invoke(context, "full");
            case LIVE -> HealthCheckHelper.invokeLiveness(context, "full");
            case READY -> HealthCheckHelper.invokeReadiness(context, "full");
        };
        boolean up = results.stream().allMatch(r -> r.getState() == HealthCheck.State.UP);
        List<Map<String, Object>> checks = new ArrayList<>();
        for (HealthCheck.Result result : results) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("name", result.getCheck().getId());
            check.put("status", result.getState().name());
            result.getMessage().ifPresent(message -> check.put("message", message));
            result.getError().ifPresent(error -> check.putIfAbsent("message", String.valueOf(error.getMessage())));
            if ("true".equals(ctx.request().getParam("data")) && result.getDetails() != null) {
                Map<String, Object> data = new LinkedHashMap<>();
                result.getDetails().forEach((k, v) -> data.put(k, String.valueOf(v)));
                check.put("data", data);
            }
            checks.add(check);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        String text;
        try {
            text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            text = "{\"status\":\"" + (up ? "UP" : "DOWN") + "\"}";
        }
        ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json").end(text + "\n");
    }
}
