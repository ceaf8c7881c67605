package dev.scanflow.health;

import java.util.Map;

/**
 * What one readiness contributor found: up or down, a sentence for the operator, and a few details
 * (numbers, times) shown by {@code /observe/health?data=true}.
 */
public record Readiness(boolean up, String message, Map<String, Object> details) {

    public Readiness {
        details = Map.copyOf(details);
    }

    public static Readiness up(String message) {
        return new Readiness(true, message, Map.of());
    }

    public static Readiness down(String message) {
        return new Readiness(false, message, Map.of());
    }

    public Readiness with(Map<String, Object> more) {
        return new Readiness(up, message, more);
    }
}
