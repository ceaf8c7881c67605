package dev.scanflow.server.delta;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.scanflow.report.ScannedPort.Service;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One thing that changed on a subnet between its state and an observation. Where and when (site, subnet,
 * scan, time) travel once in the {@link DeltaResult}, not in every change. In JSON each change carries its
 * {@code type} (a {@link ChangeType}) and the address as text.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Change {

    @JsonProperty("type")
    ChangeType type();

    HostAddress address();

    /** Port changes name their port; host changes do not. */
    sealed interface PortChange extends Change {

        String protocol();

        int port();

        default int portKey() {
            return PortKey.of(protocol(), port());
        }
    }

    /** A host seen up that was never known here (new), or was gone (returned). */
    record HostUp(HostAddress address, boolean returned, String mac, String macVendor, String hostname)
            implements Change {

        @Override
        public ChangeType type() {
            return returned ? ChangeType.HOST_RETURNED : ChangeType.HOST_NEW;
        }
    }

    /** A host missed by {@code misses} consecutive covering scans (N): phpIPAM's "previously used". */
    record HostGone(HostAddress address, int misses, String lastMac, String lastHostname) implements Change {

        @Override
        public ChangeType type() {
            return ChangeType.HOST_GONE;
        }
    }

    /** A host seen with another MAC than the one known: another device on the address, or a new NIC. */
    record MacChanged(HostAddress address, String before, String after, String afterVendor) implements Change {

        public MacChanged {
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public ChangeType type() {
            return ChangeType.MAC_CHANGED;
        }
    }

    /** A host whose first name differs from the one known. A scan that resolved no name changes nothing. */
    record HostnameChanged(HostAddress address, String before, String after) implements Change {

        public HostnameChanged {
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public ChangeType type() {
            return ChangeType.HOSTNAME_CHANGED;
        }
    }

    /** A port seen open that was not open here; {@code service} when -sV named it. */
    record PortOpened(HostAddress address, String protocol, int port, Service service) implements PortChange {

        @Override
        public ChangeType type() {
            return ChangeType.PORT_OPENED;
        }
    }

    /** How a port came to be declared closed. */
    enum ClosedBy {
        /** the scanner reported it "closed": the host itself answered (TCP RST), no packet loss explains it */
        REPORTED_CLOSED,
        /** N consecutive covering scans missed it (absent, or filtered) */
        MISSED,
        /** its host was confirmed gone: a gone host has no open ports */
        HOST_GONE
    }

    /** A port open here that is now confirmed closed; {@code lastService} as it was known. */
    record PortClosed(HostAddress address, String protocol, int port, ClosedBy closedBy, int misses, Service lastService)
            implements PortChange {

        @Override
        public ChangeType type() {
            return ChangeType.PORT_CLOSED;
        }
    }

    /** An open port whose service now reads differently in {@code fields}. */
    record ServiceChanged(HostAddress address, String protocol, int port, Set<ServiceField> fields, Service before,
                          Service after) implements PortChange {

        public ServiceChanged {
            // an EnumSet keeps the fields in declaration order, so JSON and text exports read the same each time
            fields = Collections.unmodifiableSet(fields.isEmpty() ? EnumSet.noneOf(ServiceField.class) : EnumSet.copyOf(fields));
        }

        @Override
        public ChangeType type() {
            return ChangeType.SERVICE_CHANGED;
        }
    }
}
