package dev.scanflow.management;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The addresses this machine listens on for a TCP port, read from the kernel (/proc/net/tcp and tcp6). */
final class ListeningSockets {

    private ListeningSockets() {
    }

    static List<InetAddress> on(int port) throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
                String[] fields = line.strip().split("\\s+");
                String[] local = fields[1].split(":");
                if (!fields[3].equals("0A") || Integer.parseInt(local[1], 16) != port) {
                    continue; // 0A is LISTEN
                }
                addresses.add(address(local[0]));
            }
        }
        return addresses;
    }

    /** The kernel writes each 32-bit word of the address in host (little-endian) order. */
    private static InetAddress address(String hex) throws IOException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                String pair = hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2);
                bytes[word * 4 + i] = new BigInteger(pair, 16).byteValue();
            }
        }
        return InetAddress.getByAddress(bytes);
    }
}
