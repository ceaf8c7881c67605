package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Reads phpIPAM's values whether they come as JSON numbers (PHP 8.1+ native ints) or as strings
 * (api-stringify-results, VARCHAR columns such as mask, older PHP): 1 and "1", 24 and "24", true and "1".
 */
final class ApiValues {

    private ApiValues() {
    }

    /** The field as a whole number; null when missing, null or empty. */
    static Long number(JsonNode row, String field) {
        JsonNode node = row.get(field);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isNumber() && node.asDouble() == Math.rint(node.asDouble())) {
            return (long) node.asDouble();
        }
        if (node.isTextual()) {
            String text = node.asText().strip();
            if (text.isEmpty()) {
                return null;
            }
            if (text.matches("[+-]?\\d{1,18}")) {
                return Long.parseLong(text);
            }
        }
        throw unexpected(field, node);
    }

    static long number(JsonNode row, String field, long fallback) {
        Long value = number(row, field);
        return value == null ? fallback : value;
    }

    /** The field as phpIPAM's BOOL: 1/"1"/true/"true" is true; 0, "0", false, null, missing and "" are false. */
    static boolean flag(JsonNode row, String field) {
        JsonNode node = row.get(field);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return false;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.asLong() != 0;
        }
        if (node.isTextual()) {
            String text = node.asText().strip().toLowerCase(Locale.ROOT);
            switch (text) {
                case "", "0", "false" -> {
                    return false;
                }
                case "1", "true" -> {
                    return true;
                }
                default -> {
                    if (text.matches("[+-]?\\d{1,18}")) {
                        return Long.parseLong(text) != 0;
                    }
                }
            }
        }
        throw unexpected(field, node);
    }

    /** The field as text; numbers become their decimal text; null when missing or null. */
    static String text(JsonNode row, String field) {
        JsonNode node = row.get(field);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        throw unexpected(field, node);
    }

    private static PhpipamApiException unexpected(String field, JsonNode node) {
        String shown = node.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 60) + "…";
        }
        return new PhpipamApiException(200, "phpIPAM answered an unexpected value for " + field + ": " + shown);
    }
}
