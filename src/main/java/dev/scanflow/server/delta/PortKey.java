package dev.scanflow.server.delta;

/**
 * A (protocol, port) pair packed into one int, {@code protocol << 16 | port}, so that a host's ports are a
 * sorted int array instead of an object each: a million port states then cost a few megabytes.
 * Sorted keys group by protocol (tcp, udp, sctp), then port.
 */
public final class PortKey {

    private static final String[] PROTOCOLS = {"tcp", "udp", "sctp"};

    private PortKey() {
    }

    public static int of(String protocol, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return protocolIndex(protocol) << 16 | port;
    }

    public static int protocolIndex(String protocol) {
        for (int i = 0; i < PROTOCOLS.length; i++) {
            if (PROTOCOLS[i].equals(protocol)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + protocol + "': tcp, udp or sctp");
    }

    public static String protocol(int key) {
        return PROTOCOLS[key >>> 16];
    }

    public static int port(int key) {
        return key & 0xFFFF;
    }

    public static String toString(int key) {
        return protocol(key) + "/" + port(key);
    }
}
