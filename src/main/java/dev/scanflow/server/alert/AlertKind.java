package dev.scanflow.server.alert;

import java.util.Locale;

/**
 * What an alert is about. {@link #PORT} and {@link #TRAFFIC} alerts resolve themselves: the condition ("this
 * port is open and a rule says it should not be", "this link measures under its thresholds") ends when the
 * port is seen closed or the link measures within its thresholds again. The others report an event (a new
 * host, a MAC or service that changed) that a person has to look at, so only a person resolves them.
 */
public enum AlertKind {
    /** a port a rule flags is open: critical port, blocked in its subnet, or not allowed there */
    PORT(true),
    /** a host never seen on the subnet came up */
    NEW_HOST(false),
    /** a known host answered with another MAC */
    MAC_CHANGE(false),
    /** an open port's service changed in the fields the rule watches */
    SERVICE_CHANGE(false),
    /** a traffic test measured a link under one of its thresholds; a passing run of the same test resolves it */
    TRAFFIC(true);

    private final boolean autoResolves;

    AlertKind(boolean autoResolves) {
        this.autoResolves = autoResolves;
    }

    public boolean autoResolves() {
        return autoResolves;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static AlertKind parse(String label) {
        for (AlertKind kind : values()) {
            if (kind.label().equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown alert kind " + label);
    }
}
