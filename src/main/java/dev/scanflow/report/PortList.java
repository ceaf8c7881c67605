package dev.scanflow.report;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * A set of TCP or UDP port numbers (1 to 65535) in nmap's syntax: {@code 22,80,8000-8100}. Parsed strictly
 * (digits, commas and dashes only), so a port list can be put on a scanner's command line as one argument;
 * written back sorted with adjacent ports merged into ranges, which is also the coverage syntax of reports.
 */
public final class PortList {

    public static final int MAX_PORT = 65535;
    private static final PortList EMPTY = new PortList(new BitSet());

    private final BitSet ports;

    private PortList(BitSet ports) {
        this.ports = ports;
    }

    public static PortList empty() {
        return EMPTY;
    }

    /** Parses {@code 22,80,8000-8100}; blanks around items are allowed, an empty text is the empty list. */
    public static PortList parse(String text) {
        BitSet ports = new BitSet(MAX_PORT + 1);
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        for (String item : text.split(",", -1)) {
            String range = item.strip();
            if (!range.matches("\\d{1,5}(-\\d{1,5})?")) {
                throw new IllegalArgumentException("not a port or port range: '" + range + "' (use 22,80,8000-8100)");
            }
            int dash = range.indexOf('-');
            int from = port(dash < 0 ? range : range.substring(0, dash));
            int to = dash < 0 ? from : port(range.substring(dash + 1));
            if (to < from) {
                throw new IllegalArgumentException("port range " + range + " runs backwards");
            }
            ports.set(from, to + 1);
        }
        return new PortList(ports);
    }

    public static PortList of(Collection<Integer> numbers) {
        BitSet ports = new BitSet(MAX_PORT + 1);
        for (int number : numbers) {
            if (number < 1 || number > MAX_PORT) {
                throw new IllegalArgumentException("port " + number + " is not between 1 and " + MAX_PORT);
            }
            ports.set(number);
        }
        return new PortList(ports);
    }

    private static int port(String digits) {
        int port = Integer.parseInt(digits);
        if (port < 1 || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and " + MAX_PORT);
        }
        return port;
    }

    /** These ports without the given ones. */
    public PortList minus(PortList other) {
        BitSet rest = (BitSet) ports.clone();
        rest.andNot(other.ports);
        return new PortList(rest);
    }

    public boolean contains(int port) {
        return port >= 0 && ports.get(port);
    }

    public int size() {
        return ports.cardinality();
    }

    public boolean isEmpty() {
        return ports.isEmpty();
    }

    public List<Integer> numbers() {
        return ports.stream().boxed().toList();
    }

    /** nmap syntax, ascending, adjacent ports merged: {@code 21-23,80,443}. Empty for the empty list. */
    @Override
    public String toString() {
        List<String> items = new ArrayList<>();
        int from = ports.nextSetBit(0);
        while (from >= 0) {
            int to = ports.nextClearBit(from) - 1;
            items.add(from == to ? Integer.toString(from) : from + "-" + to);
            from = ports.nextSetBit(to + 1);
        }
        return String.join(",", items);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PortList list && list.ports.equals(ports);
    }

    @Override
    public int hashCode() {
        return ports.hashCode();
    }
}
