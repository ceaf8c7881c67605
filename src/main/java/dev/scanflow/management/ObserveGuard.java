package dev.scanflow.management;

import dev.scanflow.config.ManagementSettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The gate in front of every /observe endpoint of a role's HTTP server, installed before the server accepts a
 * connection (as platform-http's authentication handler for /observe/*). Deny by default:
 * <ul>
 *   <li>a request carrying an {@code Origin} that is not in scanflow.observe.allowed-origins is refused (403),
 *       so a web page in an operator's browser cannot use any of it;</li>
 *   <li>/observe/health (UP or DOWN) is open;</li>
 *   <li>/observe/metrics and /observe/info: open to local requests when scanflow.observe.access=loopback,
 *       the operator token otherwise. Local means a loopback peer, a Host header naming localhost or a loopback
 *       address (a DNS-rebound name is not local) and no proxy's forwarding header (behind a same-host reverse
 *       proxy every client is 127.0.0.1);</li>
 *   <li>/observe/jolokia: the operator token always, then {@link JolokiaPolicy}, then Camel's Jolokia with
 *       this machine's directories taken out of the answer ({@link JolokiaEndpoint});</li>
 *   <li>anything else under /observe: 404.</li>
 * </ul>
 * The token is accepted as {@code Authorization: Bearer <token>} or as the password of HTTP Basic (any user
 * name), which is how Hawtio 4 passes credentials to a Jolokia URL.
 */
public final class ObserveGuard implements AuthenticationHandler {

    static final int MAX_JOLOKIA_BODY = 256 * 1024;

    private final ManagementSettings settings;
    private final byte[] token;
    private final JolokiaPolicy policy = new JolokiaPolicy();
    private final Supplier<JsonObject> info;
    private final JolokiaEndpoint jolokia;

    /**
     * @param info    what /observe/info answers: nothing secret, no user name, no path
     * @param jolokia answers the Jolokia requests the policy lets through
     */
    ObserveGuard(ManagementSettings settings, Supplier<JsonObject> info, JolokiaEndpoint jolokia) {
        this.settings = settings;
        this.token = settings.operatorToken() == null ? null : settings.operatorToken().getBytes(StandardCharsets.UTF_8);
        this.info = info;
        this.jolokia = jolokia;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = ctx.normalizedPath();
        String rest = path.length() > "/observe".length() ? path.substring("/observe".length()) : "";
        String origin = request.getHeader("Origin");
        if (origin != null && !settings.allowedOrigins().contains(origin)) {
            refuse(ctx, 403, "requests from web pages (Origin " + printable(origin) + ") are refused; see "
                    + ManagementSettings.ALLOWED_ORIGINS);
            return;
        }
        if (rest.equals("/health") || rest.startsWith("/health/")) {
            if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
                refuse(ctx, 405, "health is read with GET");
                return;
            }
            ctx.next();
        } else if (rest.equals("/metrics") || rest.equals("/info")) {
            if (request.method() != HttpMethod.GET) {
                refuse(ctx, 405, "use GET");
            } else if (!(settings.access() == ManagementSettings.Access.LOOPBACK && isLocal(request)) && !hasToken(request)) {
                unauthorized(ctx);
            } else if (rest.equals("/info")) {
                ctx.response().putHeader("Content-Type", "application/json").end(info.get().encode());
            } else {
                ctx.next();
            }
        } else if (rest.equals("/jolokia") || rest.startsWith("/jolokia/")) {
            if (!hasToken(request)) {
                unauthorized(ctx);
            } else if (request.method() == HttpMethod.GET) {
                String pathInfo = rest.substring("/jolokia".length());
                Optional<String> refusal = policy.checkGet(pathInfo, request.params().contains("p"));
                if (refusal.isPresent()) {
                    refuse(ctx, 403, refusal.get());
                } else {
                    jolokia.answer(ctx, pathInfo, null);
                }
            } else if (request.method() == HttpMethod.POST) {
                checkPost(ctx, rest.substring("/jolokia".length()));
            } else {
                refuse(ctx, 405, "Jolokia takes GET and POST");
            }
        } else {
            refuse(ctx, 404, "no such endpoint");
        }
    }

    private void checkPost(RoutingContext ctx, String pathInfo) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("Content-Length");
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length);
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared < 0 || declared > MAX_JOLOKIA_BODY) {
            refuse(ctx, declared < 0 ? 411 : 413, "a Jolokia POST needs a Content-Length of at most " + MAX_JOLOKIA_BODY + " bytes");
            return;
        }
        request.body().onComplete(read -> {
            if (read.failed()) {
                refuse(ctx, 400, "the request body could not be read");
                return;
            }
            Buffer body = read.result();
            Optional<String> refusal = policy.checkPost(body.getBytes());
            if (refusal.isPresent()) {
                refuse(ctx, 403, refusal.get());
            } else {
                jolokia.answer(ctx, pathInfo, body);
            }
        });
    }

    boolean hasToken(HttpServerRequest request) {
        if (token == null) {
            return false;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            return false;
        }
        String presented = null;
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).strip();
        } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                presented = colon < 0 ? null : pair.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                presented = null;
            }
        }
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    static boolean isLocal(HttpServerRequest request) {
        SocketAddress peer = request.remoteAddress();
        if (peer == null || !loopback(peer.host())) {
            return false;
        }
        for (String proxyHeader : new String[] {"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP"}) {
            if (request.getHeader(proxyHeader) != null) {
                return false;
            }
        }
        // the Host header over HTTP/1.1, :authority over HTTP/2 (java.net.http upgrades to h2c)
        io.vertx.core.net.HostAndPort authority = request.authority();
        if (authority == null || authority.host() == null) {
            return false;
        }
        String host = authority.host();
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return name.equalsIgnoreCase("localhost") || (name.matches("[0-9.]+|[0-9A-Fa-f:]+") && loopback(name));
    }

    private static boolean loopback(String literal) {
        try {
            // a literal only: InetAddress.getByName does no lookup for an address literal
            return literal.matches("[0-9.]+|[0-9A-Fa-f:.]+") && InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void unauthorized(RoutingContext ctx) {
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"scanflow\", charset=\"UTF-8\"");
        refuse(ctx, 401, token == null
                ? "closed: no operator token is configured (" + settings.tokenKey() + ")"
                : "the operator token is required: Authorization: Bearer <token>, or HTTP Basic with the token as password");
    }

    private static void refuse(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        JsonObject body = new JsonObject().put("status", status).put("error", reason(status)).put("message", message);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private static String reason(int status) {
        return switch (status) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Payload Too Large";
            default -> "Bad Request";
        };
    }

    private static String printable(String text) {
        String shown = text.length() > 100 ? text.substring(0, 100) : text;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
