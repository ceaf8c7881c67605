package dev.scanflow.server.delta;

import dev.scanflow.report.ScannedPort.Service;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The parts of an nmap service that a service change names. Unlike ndiff, tunnel (ssl) counts: a service
 * that drops TLS is a change worth seeing. CPEs are compared as a set; nmap's order means nothing.
 */
public enum ServiceField {
    NAME,
    PRODUCT,
    VERSION,
    EXTRA_INFO,
    TUNNEL,
    CPES;

    /** The fields in which two services differ; empty when they are the same. */
    public static Set<ServiceField> differences(Service before, Service after) {
        EnumSet<ServiceField> fields = EnumSet.noneOf(ServiceField.class);
        if (!Objects.equals(before.name(), after.name())) {
            fields.add(NAME);
        }
        if (!Objects.equals(before.product(), after.product())) {
            fields.add(PRODUCT);
        }
        if (!Objects.equals(before.version(), after.version())) {
            fields.add(VERSION);
        }
        if (!Objects.equals(before.extraInfo(), after.extraInfo())) {
            fields.add(EXTRA_INFO);
        }
        if (!Objects.equals(before.tunnel(), after.tunnel())) {
            fields.add(TUNNEL);
        }
        if (!before.cpes().equals(after.cpes()) && !new HashSet<>(before.cpes()).equals(new HashSet<>(after.cpes()))) {
            fields.add(CPES);
        }
        return fields;
    }
}
