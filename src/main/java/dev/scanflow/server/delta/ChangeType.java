package dev.scanflow.server.delta;

/** The kinds of change the delta engine emits; the name is what the change log and the API show. */
public enum ChangeType {
    HOST_NEW,
    HOST_RETURNED,
    HOST_GONE,
    MAC_CHANGED,
    HOSTNAME_CHANGED,
    PORT_OPENED,
    PORT_CLOSED,
    SERVICE_CHANGED
}
