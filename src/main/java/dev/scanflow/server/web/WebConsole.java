package dev.scanflow.server.web;

import dev.scanflow.server.access.ApiGuard;
import dev.scanflow.server.access.OperatorTokens;
import dev.scanflow.server.api.ApiError;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The web dashboard at {@code /} (issue 15): plain HTML, CSS and JavaScript from the jar (src/main/resources/web),
 * nothing fetched from elsewhere. The operator logs in with an operator token; the page then holds only a
 * session cookie (HttpOnly, SameSite=Strict, Secure under TLS), never the token, and no token is ever in a URL.
 * Requests to /api/ that carry the session cookie are the session's token's, with its role and rate limit (the
 * {@link ApiGuard} checks them as it checks a Bearer token); a POST among them must also carry the session's CSRF
 * token in X-CSRF-Token, or it is refused with 403. /web/session tells the page its role, so it can hide what the
 * role may not do; the guard refuses it all the same.
 */
public class WebConsole implements ApiGuard.Sessions {

    static final String COOKIE = "scanflow_session";
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html",
            "/web/app.js", "app.js",
            "/web/app.css", "app.css");
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private final WebSessions sessions;
    private final OperatorTokens tokens;
    private final boolean secure;

    public WebConsole(WebSessions sessions, OperatorTokens tokens, boolean secure) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.secure = secure;
    }

    /** Adds the dashboard's handlers to the server's router. */
    public void install(Router router) {
        for (Map.Entry<String, String> asset : ASSETS.entrySet()) {
            router.route(HttpMethod.GET, asset.getKey()).order(-10).handler(context -> serve(context, asset.getValue()));
        }
        router.route(HttpMethod.POST, "/web/login").order(-10).handler(BodyHandler.create().setBodyLimit(4096)).handler(this::login);
        router.route(HttpMethod.POST, "/web/logout").order(-10).handler(this::logout);
        router.route(HttpMethod.GET, "/web/session").order(-10).handler(this::session);
    }

    @Override
    public Optional<OperatorTokens.Caller> caller(RoutingContext context) {
        Optional<WebSessions.Session> session = current(context);
        if (session.isEmpty()) {
            return Optional.empty();
        }
        if (!tokens.stillValid(session.get().caller())) {
            // the token that logged in was revoked (or given another role): its sessions end with it
            sessions.close(session.get().id());
            return Optional.empty();
        }
        if (context.request().method() != HttpMethod.GET && context.request().method() != HttpMethod.HEAD) {
            String presented = context.request().getHeader("X-CSRF-Token");
            if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                    session.get().csrf().getBytes(StandardCharsets.UTF_8))) {
                throw new ApiError(403, "a POST from the dashboard needs its X-CSRF-Token");
            }
        }
        return Optional.of(session.get().caller());
    }

    private void login(RoutingContext context) {
        String contentType = context.request().getHeader("Content-Type");
        if (contentType == null || !contentType.startsWith("application/json")) {
            // a cross-site form cannot send JSON without the browser asking first
            error(context, 415, "Unsupported Media Type", "log in with a JSON body {\"token\": \"...\"}");
            return;
        }
        String token;
        try {
            token = context.body().asJsonObject().getString("token");
        } catch (RuntimeException e) {
            error(context, 400, "Bad Request", "log in with a JSON body {\"token\": \"...\"}");
            return;
        }
        OperatorTokens.Caller caller;
        try {
            if (token == null) {
                throw new ApiError(401, "no token");
            }
            caller = tokens.authenticate("Bearer " + token);
        } catch (ApiError e) {
            error(context, 401, "Unauthorized", "that is not an operator token (or the API is closed)");
            return;
        }
        WebSessions.Session session = sessions.open(caller);
        context.response().addCookie(cookie(session.id()));
        context.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(sessionJson(session));
    }

    private void logout(RoutingContext context) {
        Optional<WebSessions.Session> session = current(context);
        String presented = context.request().getHeader("X-CSRF-Token");
        if (session.isPresent() && presented != null && presented.equals(session.get().csrf())) {
            sessions.close(session.get().id());
        }
        context.response().addCookie(cookie("").setMaxAge(0));
        context.response().setStatusCode(204).end();
    }

    private void session(RoutingContext context) {
        Optional<WebSessions.Session> session = current(context);
        if (session.isEmpty()) {
            error(context, 401, "Unauthorized", "not logged in");
            return;
        }
        context.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(sessionJson(session.get()));
    }

    /** The CSRF token, and who is logged in with what role (token names are [A-Za-z0-9._@-], nothing to escape). */
    private static String sessionJson(WebSessions.Session session) {
        return "{\"csrf\":\"" + session.csrf() + "\",\"name\":\"" + session.caller().name() + "\",\"role\":\""
                + session.caller().role().label() + "\"}";
    }

    private Optional<WebSessions.Session> current(RoutingContext context) {
        Cookie cookie = context.request().getCookie(COOKIE);
        return cookie == null ? Optional.empty() : sessions.find(cookie.getValue());
    }

    private Cookie cookie(String value) {
        return Cookie.cookie(COOKIE, value).setHttpOnly(true).setSecure(secure).setSameSite(CookieSameSite.STRICT).setPath("/");
    }

    private static void serve(RoutingContext context, String asset) {
        try (InputStream in = WebConsole.class.getResourceAsStream("/web/" + asset)) {
            if (in == null) {
                context.next();
                return;
            }
            context.response().putHeader("Content-Type", TYPES.get(asset))
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("X-Frame-Options", "DENY")
                    .putHeader("Referrer-Policy", "no-referrer")
                    // everything comes from this server; nothing inline, nothing from elsewhere
                    .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
                    .end(io.vertx.core.buffer.Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            error(context, 500, "Internal Server Error", "asset not readable");
        }
    }

    private static void error(RoutingContext context, int status, String error, String message) {
        context.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end("{\"status\":" + status + ",\"error\":\"" + error + "\",\"message\":\"" + message.replace("\"", "\\\"") + "\"}");
    }
}
