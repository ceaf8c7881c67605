package dev.scanflow.server.access;

import dev.scanflow.server.api.ApiAccess;
import dev.scanflow.server.api.ApiError;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * In front of every request under /api/ (platform-http's routes and the event stream alike): finds the request's
 * operation in the OpenAPI document's {@link RoleRules}, and for one that needs an operator role checks, in this
 * order, who is calling (a Bearer operator token, else the dashboard's session; 401), that token's rate limit (429
 * with Retry-After), and its role (403). A request let through carries {@link ApiAccess#pass()} instead of the
 * caller's token. Agents' endpoints and the document pass untouched: their routes check agents' own tokens. A path
 * the document does not list is 404 here, so an endpoint left out of the document is served to no one.
 */
public final class ApiGuard {

    /** The dashboard's side: the caller of a request that carries a session cookie and no Authorization. */
    public interface Sessions {
        /**
         * @return the session's caller, or empty without a live session
         * @throws ApiError 403 when a state-changing request lacks the session's CSRF token
         */
        Optional<OperatorTokens.Caller> caller(RoutingContext context);
    }

    private final RoleRules rules;
    private final OperatorTokens tokens;
    private final RateLimits limits;
    private final ApiAccess access;
    private final Sessions sessions;

    public ApiGuard(RoleRules rules, OperatorTokens tokens, RateLimits limits, ApiAccess access, Sessions sessions) {
        this.rules = rules;
        this.tokens = tokens;
        this.limits = limits;
        this.access = access;
        this.sessions = sessions;
    }

    public OperatorTokens tokens() {
        return tokens;
    }

    /** Before platform-http's routes and the dashboard's handlers. */
    public void install(Router router) {
        router.route("/api/*").order(-20).handler(this::handle);
    }

    void handle(RoutingContext context) {
        String path = context.normalizedPath();
        String method = context.request().method().name();
        Optional<String> template = rules.path(path);
        if (template.isEmpty()) {
            error(context, 404, "Not Found", "no endpoint " + path + " (GET /api/v1/openapi.yaml lists them all)");
            return;
        }
        Optional<RoleRules.Rule> rule = rules.rule(method, template.get())
                .or(() -> method.equals("HEAD") ? rules.rule("GET", template.get()) : Optional.empty());
        if (rule.isEmpty() || !rule.get().needsOperatorToken()) {
            // agents' endpoints and the document; a method the path does not have gets the route's own 405,
            // and an operator's pass is never handed to them
            if (rule.isEmpty()) {
                context.request().headers().remove("Authorization");
            }
            context.next();
            return;
        }
        OperatorTokens.Caller caller;
        try {
            String authorization = context.request().getHeader("Authorization");
            Optional<OperatorTokens.Caller> session = authorization == null ? sessions.caller(context) : Optional.empty();
            caller = session.isPresent() ? session.get() : tokens.authenticate(authorization);
        } catch (ApiError e) {
            error(context, e.getStatus(), e.getStatus() == 401 ? "Unauthorized" : "Forbidden", e.getMessage());
            return;
        }
        OptionalLong wait = limits.take(caller.name());
        if (wait.isPresent()) {
            context.response().putHeader("Retry-After", Long.toString(wait.getAsLong()));
            error(context, 429, "Too Many Requests", "token '" + caller.name() + "' is over its rate limit; retry in "
                    + wait.getAsLong() + " s");
            return;
        }
        Role needed = rule.get().role();
        if (!caller.role().covers(needed)) {
            error(context, 403, "Forbidden", rule.get().operation() + " needs the " + needed.label() + " role; token '"
                    + caller.name() + "' has the " + caller.role().label() + " role");
            return;
        }
        context.request().headers().set("Authorization", access.pass());
        context.next();
    }

    private static void error(RoutingContext context, int status, String error, String message) {
        if (status == 401) {
            context.response().putHeader("WWW-Authenticate", "Bearer realm=\"scanflow\"");
        }
        context.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end("{\"status\":" + status + ",\"error\":\"" + error + "\",\"message\":\""
                        + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }
}
