package dev.scanflow.server.alert;

import java.util.Locale;

/** How urgent an alert is, lowest first; written in lower case in the rules file and the API. */
public enum Severity {
    INFO,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    public static Severity parse(String text) {
        for (Severity severity : values()) {
            if (severity.name().equalsIgnoreCase(text)) {
                return severity;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a severity: info, low, medium, high or critical");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity max(Severity a, Severity b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
