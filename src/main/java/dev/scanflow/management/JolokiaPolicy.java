package dev.scanflow.management;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * What a holder of the operator token may ask Jolokia, checked before Jolokia sees the request: version, list
 * and search; read of Camel's own MBeans; and the operations start, stop, suspend and resume on a route's MBean.
 * Nothing else: no write, no other operation (so no endpoint can be created or sent to), no JVM MBean, no
 * Jolokia or JDK MBean. A bulk request is refused whole when one of its parts is.
 */
public final class JolokiaPolicy {

    static final String CAMEL_DOMAIN = "org.apache.camel";
    static final Set<String> ROUTE_OPERATIONS = Set.of("start", "stop", "suspend", "resume");
    private static final Set<String> READ_ONLY_TYPES = Set.of("version", "list", "search");
    // a duplicated key could mean one thing here and another to Jolokia's own parser: refused
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** A refusal's reason, fit for the reply; empty when the request may pass. */
    public Optional<String> checkPost(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return Optional.of("the request is not JSON");
        }
        if (root == null || !(root.isObject() || root.isArray())) {
            return Optional.of("the request is not a Jolokia request");
        }
        List<JsonNode> requests = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(requests::add);
        } else {
            requests.add(root);
        }
        if (requests.isEmpty()) {
            return Optional.of("an empty bulk request");
        }
        for (JsonNode request : requests) {
            if (!request.isObject()) {
                return Optional.of("a bulk request holds something other than requests");
            }
            Optional<String> refused = check(text(request, "type"), text(request, "mbean"), text(request, "operation"));
            if (refused.isPresent()) {
                return refused;
            }
        }
        return Optional.empty();
    }

    /**
     * @param path what follows /observe/jolokia, raw (percent-encoded) as received; "" or "/" is version
     * @param pathParameter Jolokia's alternative "p" query parameter, refused: one way in is enough
     */
    public Optional<String> checkGet(String path, boolean pathParameter) {
        if (pathParameter) {
            return Optional.of("the p parameter is not accepted; put the request in the path");
        }
        List<String> parts = split(path);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        String type = parts.get(0);
        if (!type.matches("[a-z]+")) {
            return Optional.of("unknown request type");
        }
        if (type.equals("exec") || type.equals("write")) {
            return Optional.of("operations and writes go as POST requests, never GET");
        }
        return check(type, parts.size() > 1 ? parts.get(1) : null, null);
    }

    Optional<String> check(String type, String mbean, String operation) {
        if (type == null) {
            return Optional.of("a request without a type");
        }
        String kind = type.toLowerCase(Locale.ROOT);
        if (READ_ONLY_TYPES.contains(kind)) {
            return Optional.empty();
        }
        if (kind.equals("read")) {
            return camelMBean(mbean, true).isPresent() ? Optional.empty()
                    : Optional.of("only Camel's MBeans (" + CAMEL_DOMAIN + ") may be read");
        }
        if (kind.equals("exec")) {
            Optional<ObjectName> name = camelMBean(mbean, false);
            if (name.isEmpty() || !"routes".equals(name.get().getKeyProperty("type"))) {
                return Optional.of("operations are allowed only on a route's MBean (" + CAMEL_DOMAIN + ":type=routes)");
            }
            String op = operation == null ? "" : operation.strip();
            int signature = op.indexOf('(');
            String opName = signature < 0 ? op : op.substring(0, signature);
            if (!ROUTE_OPERATIONS.contains(opName) || (signature >= 0 && !op.endsWith(")"))) {
                return Optional.of("the only operations allowed are start, stop, suspend and resume of a route");
            }
            return Optional.empty();
        }
        return Optional.of("the request type " + kind.replaceAll("[^a-z]", "") + " is not allowed");
    }

    private static Optional<ObjectName> camelMBean(String mbean, boolean patternAllowed) {
        if (mbean == null) {
            return Optional.empty();
        }
        try {
            ObjectName name = new ObjectName(mbean);
            if (!CAMEL_DOMAIN.equals(name.getDomain()) || (!patternAllowed && name.isPattern())) {
                return Optional.empty();
            }
            return Optional.of(name);
        } catch (MalformedObjectNameException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    /** Jolokia's GET path: segments split at "/", "!/" an escaped slash and "!!" an escaped "!", then decoded. */
    static List<String> split(String rawPath) {
        String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '!' && i + 1 < path.length()) {
                part.append(path.charAt(++i));
            } else if (c == '/') {
                if (!part.isEmpty()) {
                    parts.add(part.toString());
                }
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        if (!part.isEmpty()) {
            parts.add(part.toString());
        }
        return parts;
    }
}
