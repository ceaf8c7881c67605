package dev.scanflow.management;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.plugin.DefaultJolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.spi.PlatformHttpPluginRegistry;
import org.jolokia.json.JSONStructure;
import org.jolokia.server.core.http.HttpRequestHandler;

/**
 * Answers a Jolokia request that {@link ObserveGuard} let through, with Camel's own Jolokia (its request handler
 * and jolokia-access.xml restrictor), and takes this machine's directories out of the answer
 * ({@link PathScrubber}). Camel's Jolokia route behind it is never reached.
 */
final class JolokiaEndpoint {

    private final Supplier<CamelContext> context;
    private final PathScrubber scrubber;
    private volatile HttpRequestHandler handler;

    JolokiaEndpoint(Supplier<CamelContext> context, PathScrubber scrubber) {
        this.context = context;
        this.scrubber = scrubber;
    }

    /**
     * @param pathInfo what follows /observe/jolokia, as received (percent-encoded), as the guard checked it
     * @param body     the POST body the guard checked, or null for GET
     */
    void answer(RoutingContext ctx, String pathInfo, Buffer body) {
        HttpServerRequest request = ctx.request();
        String scheme = request.scheme();
        String peer = request.remoteAddress() == null ? "" : request.remoteAddress().host();
        String origin = request.getHeader("Origin");
        Map<String, String[]> parameters = new HashMap<>();
        for (String name : request.params().names()) {
            parameters.put(name, request.params().getAll(name).toArray(new String[0]));
        }
        // decoded as the policy read it (JolokiaPolicy.split), so both see the same MBean names
        String path = java.net.URLDecoder.decode(pathInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
        String uri = "/observe/jolokia" + path;
        ctx.vertx().<String>executeBlocking(() -> {
            HttpRequestHandler jolokia = handler();
            try {
                jolokia.checkAccess(scheme, peer, peer, origin == null ? "" : origin);
                JSONStructure json = body == null
                        ? jolokia.handleGetRequest(uri, path, parameters)
                        : jolokia.handlePostRequest(uri, new ByteArrayInputStream(body.getBytes()),
                                StandardCharsets.UTF_8.name(), parameters);
                return json == null ? "" : json.toJSONString();
            } catch (SecurityException e) {
                return null;
            } catch (Exception e) {
                JSONStructure error = jolokia.handleThrowable(e);
                return error == null ? "" : error.toJSONString();
            }
        }, false).onComplete(done -> {
            if (ctx.response().ended()) {
                return;
            }
            if (done.failed() || done.result() == null) {
                int status = done.failed() ? 500 : 403;
                ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                        .end("{\"status\":" + status + ",\"error\":\"" + (status == 403 ? "Forbidden" : "Internal Server Error")
                                + "\",\"message\":\"refused by Jolokia's restrictor\"}");
                return;
            }
            ctx.response().putHeader("Content-Type", "application/json").end(scrubber.scrub(done.result()));
        });
    }

    private HttpRequestHandler handler() {
        HttpRequestHandler current = handler;
        if (current == null) {
            CamelContext camel = context.get();
            PlatformHttpPluginRegistry registry = camel.getCamelContextExtension().getContextPlugin(PlatformHttpPluginRegistry.class);
            JolokiaPlatformHttpPlugin plugin = registry.resolvePluginById(JolokiaPlatformHttpPlugin.NAME, JolokiaPlatformHttpPlugin.class)
                    .orElseThrow(() -> new IllegalStateException("Camel's Jolokia plugin is not loaded"));
            current = ((DefaultJolokiaPlatformHttpPlugin) plugin).getJolokiaRequestHandler();
            handler = current;
        }
        return current;
    }
}
