package dev.scanflow.server.alert;

import java.util.Locale;

/** open → acknowledged → resolved; a resolved alert reopens (same row) when its thing comes back. */
public enum AlertStatus {
    OPEN,
    ACKNOWLEDGED,
    RESOLVED;

    public boolean isActive() {
        return this != RESOLVED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AlertStatus parse(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
