package dev.scanflow.server.api;

import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.phpipam.Vlan;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The query string of one API request, checked: only the parameters the endpoint names, each at most once,
 * each typed. Anything else is an {@link ApiError} 400 whose message names the parameter, so a misspelt
 * filter ("sevrity=high") is refused instead of silently listing everything.
 */
public final class QueryParameters {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = dev.scanflow.server.history.Page.MAX_LIMIT;
    private static final int MAX_VALUE_LENGTH = 512;

    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = values;
    }

    /** Parses a raw (still percent-encoded) query string, null or empty for none. */
    public static QueryParameters parse(String rawQuery, String... allowed) {
        Set<String> names = new LinkedHashSet<>(Arrays.asList(allowed));
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals), "a query parameter name");
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1), "query parameter '" + name + "'");
                if (!names.contains(name)) {
                    throw ApiError.badRequest("unknown query parameter '" + name + "'"
                            + (names.isEmpty() ? ": this endpoint takes none" : "; this endpoint takes " + String.join(", ", names)));
                }
                if (values.containsKey(name)) {
                    throw ApiError.badRequest("query parameter '" + name + "' is given more than once");
                }
                if (value.length() > MAX_VALUE_LENGTH) {
                    throw ApiError.badRequest("query parameter '" + name + "' is longer than " + MAX_VALUE_LENGTH + " characters");
                }
                values.put(name, value);
            }
        }
        return new QueryParameters(values);
    }

    private static String decode(String text, String what) {
        try {
            // '+' stays a plus (RFC 3986), not a space as in HTML forms: from=2026-11-22T09:00:00+01:00 works unencoded
            return java.net.URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(what + " is not valid percent-encoding: " + text);
        }
    }

    /** The value, null when absent; an empty value counts as absent. */
    public String text(String name) {
        String value = values.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    public String text(String name, String otherwise) {
        String value = text(name);
        return value == null ? otherwise : value;
    }

    /** A site is a phpIPAM scan agent's name: 1 to 128 characters. */
    public String site() {
        String site = text("site");
        if (site != null && (site.isBlank() || site.length() > 128)) {
            throw bad("site", site, "a site (scan agent name) of 1 to 128 characters");
        }
        return site;
    }

    public Long positiveLong(String name) {
        String value = text(name);
        if (value == null) {
            return null;
        }
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

    /** A phpIPAM VLAN number (the 802.1Q tag), 1 to 4094; null when the parameter is absent. */
    public Integer vlan() {
        String value = text("vlan");
        if (value == null) {
            return null;
        }
        if (value.matches("[0-9]{1,4}")) {
            int number = Integer.parseInt(value);
            if (number >= Vlan.MIN && number <= Vlan.MAX) {
                return number;
            }
        }
        throw bad("vlan", value, "a VLAN number from " + Vlan.MIN + " to " + Vlan.MAX);
    }

    /** An ISO-8601 instant: 2026-11-22T08:00:00Z, or with an offset, 2026-11-22T09:00:00+01:00. */
    public Instant instant(String name) {
        String value = text(name);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw bad(name, value, "an ISO-8601 time with a zone, such as 2026-11-22T08:00:00Z");
        }
    }

    /** Page size: 1 to {@value #MAX_LIMIT}, {@value #DEFAULT_LIMIT} when absent. */
    public int limit() {
        String value = text("limit");
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw bad("limit", value, "a page size from 1 to " + MAX_LIMIT);
    }

    /** The opaque cursor a previous page returned as {@code next}. */
    public String cursor() {
        String value = text("cursor");
        if (value != null && (value.length() > 64 || !value.matches("[0-9A-Za-z_-]+"))) {
            throw bad("cursor", value, "the 'next' value of a previous page");
        }
        return value;
    }

    public HostAddress address(String name) {
        String value = text(name);
        if (value == null) {
            return null;
        }
        try {
            return HostAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad(name, value, "an IPv4 or IPv6 address");
        }
    }

    /** A comma-separated list of values of a closed set, e.g. status=open,acknowledged. */
    public <E> Set<E> list(String name, Function<String, E> parse, String expected) {
        String value = text(name);
        if (value == null) {
            return Set.of();
        }
        Set<E> items = new LinkedHashSet<>();
        for (String item : value.split(",", -1)) {
            try {
                items.add(parse.apply(item.strip()));
            } catch (IllegalArgumentException e) {
                throw bad(name, item, expected);
            }
        }
        return items;
    }

    /** One value of a closed set, or {@code otherwise} when absent. */
    public String oneOf(String name, String otherwise, String... allowed) {
        String value = text(name, otherwise);
        if (!Arrays.asList(allowed).contains(value)) {
            throw bad(name, value, Arrays.stream(allowed).collect(Collectors.joining(", ", "one of ", "")));
        }
        return value;
    }

    static ApiError bad(String name, String value, String expected) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return ApiError.badRequest("query parameter '" + name + "': '" + shown + "' is not " + expected);
    }
}
