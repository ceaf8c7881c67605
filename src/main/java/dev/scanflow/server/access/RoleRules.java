package dev.scanflow.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may call each API operation, read from the one place it is written: the {@code x-scanflow-role} of every
 * operation in the OpenAPI document (src/main/resources/openapi/scanflow-api.yaml). An operation without one, or
 * with a value that is not a rule, stops the start (and the build, whose tests start the server), so a new
 * endpoint cannot go out without a rule.
 *
 * <p>A rule is {@code viewer}, {@code operator} or {@code admin} (an operator token of at least that role),
 * {@code agent} (an agent's own token, checked by the endpoint's route; operator tokens do not open these), or
 * {@code public} (no token: the document itself).
 */
public final class RoleRules {

    public static final String EXTENSION = "x-scanflow-role";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    /** One operation's rule; {@code role} is null for {@code agent} and {@code public} operations. */
    public record Rule(String method, String path, String access, Role role) {

        public boolean needsOperatorToken() {
            return role != null;
        }

        public String operation() {
            return method + " " + path;
        }
    }

    private record Template(String path, Pattern pattern, int parameters) {
    }

    private final List<Rule> rules;
    private final List<Template> templates;

    private RoleRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        // a literal segment beats a parameter: /fleet/enrolments before /fleet/{something}
        this.templates = rules.stream().map(Rule::path).distinct()
                .map(path -> new Template(path, Pattern.compile(toRegex(path)), path.split("\\{", -1).length - 1))
                .sorted(Comparator.comparingInt(Template::parameters))
                .toList();
    }

    /**
     * The rules of an OpenAPI document's operations.
     *
     * @throws IllegalStateException naming the first operation without a rule, or with one that is not known
     */
    public static RoleRules from(JsonNode document) {
        List<Rule> rules = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().fields(); operations.hasNext(); ) {
                Map.Entry<String, JsonNode> operation = operations.next();
                if (!METHODS.contains(operation.getKey())) {
                    continue;
                }
                String method = operation.getKey().toUpperCase(Locale.ROOT);
                JsonNode access = operation.getValue().get(EXTENSION);
                if (access == null || !access.isTextual()) {
                    missing.add(method + " " + path.getKey());
                    continue;
                }
                rules.add(rule(method, path.getKey(), access.asText()));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the OpenAPI document gives no " + EXTENSION + " (public, agent, viewer,"
                    + " operator or admin) to " + String.join(", ", missing) + ": every operation needs one");
        }
        return new RoleRules(rules);
    }

    private static Rule rule(String method, String path, String access) {
        return switch (access) {
            case "public", "agent" -> new Rule(method, path, access, null);
            default -> {
                try {
                    yield new Rule(method, path, access, Role.parse(access));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(method + " " + path + ": " + EXTENSION + " '" + access
                            + "' is not public, agent, viewer, operator or admin");
                }
            }
        };
    }

    public List<Rule> all() {
        return rules;
    }

    /** The documented path template that a request path matches, most literal first. */
    public Optional<String> path(String requestPath) {
        return templates.stream().filter(t -> t.pattern().matcher(requestPath).matches()).map(Template::path).findFirst();
    }

    /** The rule of a method on a documented path template. */
    public Optional<Rule> rule(String method, String pathTemplate) {
        return rules.stream().filter(r -> r.path().equals(pathTemplate) && r.method().equals(method)).findFirst();
    }

    private static String toRegex(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return regex.toString();
    }
}
