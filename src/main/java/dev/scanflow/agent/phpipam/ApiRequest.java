package dev.scanflow.agent.phpipam;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One GET on phpIPAM's API, relative to /api/{app}/: a path such as {@code subnets/3/addresses/} (pretty-URL
 * form, trailing slash) and an optional query such as {@code filter_by=scanAgent&filter_value=2}.
 */
public record ApiRequest(String path, Map<String, String> query) {

    private static final Pattern PATH = Pattern.compile("([A-Za-z0-9_.-]+/)+");

    public ApiRequest {
        if (path == null || !PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("API path must look like controller/id/ : " + path);
        }
        query = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(query));
    }

    public static ApiRequest of(String path) {
        return new ApiRequest(path, Map.of());
    }

    /** phpIPAM's filter (full match, applied by phpIPAM after fetching everything). */
    public static ApiRequest filtered(String path, String filterBy, String filterValue) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("filter_by", filterBy);
        query.put("filter_value", filterValue);
        return new ApiRequest(path, query);
    }

    /** Path and encoded query, as appended to /api/{app}/. */
    public String pathAndQuery() {
        if (query.isEmpty()) {
            return path;
        }
        return path + "?" + query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** For logs: the path only; a query may carry the agent code. */
    @Override
    public String toString() {
        return query.isEmpty() ? path : path + "?" + String.join("&", query.keySet().stream()
                .map(k -> k.equals("filter_by") ? k + "=" + query.get(k) : k + "=…").toList());
    }
}
