package dev.scanflow.server.access;

import java.util.Arrays;
import java.util.Locale;

/**
 * What an operator token may do (issue 16). Each role includes the ones before it: a viewer reads; an operator
 * also acknowledges and resolves alerts, scans now and runs traffic tests; an admin also creates VMs and manages
 * agents and tokens. Which role each API operation needs is its {@code x-scanflow-role} in the OpenAPI document.
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public boolean covers(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.label().equals(text)) {
                return role;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a role: one of "
                + String.join(", ", Arrays.stream(values()).map(Role::label).toList()));
    }
}
