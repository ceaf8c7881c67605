package dev.scanflow.server.api;

import dev.scanflow.server.delta.HostAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The {name} parts of a request path, read from the path itself (CamelHttpPath) against the endpoint's
 * template. Not from Camel headers: platform-http merges request headers and query parameters into the same
 * headers, so a header or parameter named like a path part could stand in for it.
 */
public final class PathParameters {

    private final Map<String, String> values;

    private PathParameters(Map<String, String> values) {
        this.values = values;
    }

    /** Matches {@code path} against {@code template} ("/api/v1/alerts/{alertId}"), segment by segment. */
    public static PathParameters match(String template, String path) {
        String[] expected = template.split("/", -1);
        String[] actual = path == null ? new String[0] : path.split("/", -1);
        if (expected.length != actual.length) {
            throw new IllegalStateException("path " + path + " does not match " + template);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < expected.length; i++) {
            String part = expected[i];
            if (part.startsWith("{") && part.endsWith("}")) {
                values.put(part.substring(1, part.length() - 1), decode(actual[i]));
            } else if (!part.equals(actual[i])) {
                throw new IllegalStateException("path " + path + " does not match " + template);
            }
        }
        return new PathParameters(values);
    }

    private static String decode(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }

    private String value(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalStateException("no path parameter " + name);
        }
        return value;
    }

    public long positiveLong(String name) {
        String value = value(name);
        try {
            long number = Long.parseLong(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw bad(name, value, "a positive whole number");
    }

    public UUID uuid(String name) {
        String value = value(name);
        try {
            if (value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw bad(name, value, "a UUID");
    }

    public HostAddress address(String name) {
        String value = value(name);
        try {
            return HostAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad(name, value, "an IPv4 or IPv6 address");
        }
    }

    private static ApiError bad(String name, String value, String expected) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return ApiError.badRequest("path parameter '" + name + "': '" + shown + "' is not " + expected);
    }
}
