package dev.scanflow.traffic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * Strict host key checking against an operator's known_hosts file, in OpenSSH's own way: a host matches a line
 * only when one of the line's names equals it exactly ({@code 198.18.0.1} never matches {@code 198.18.0.12}),
 * a port other than 22 only as {@code [host]:port}, and hashed names ({@code |1|salt|hash}, HMAC-SHA1) are
 * supported. Camel's own reader matches by substring and skips hashed and non-22 entries, so it is not used.
 *
 * <p>{@code @revoked} lines refuse their key; {@code @cert-authority} lines are not supported (certificates are
 * not checked) and never accept a key. The file is read on every check: an operator's edit takes effect at
 * the next test. Why a key was refused is kept per host and port for the caller's message
 * ({@link #refusal(String, int)}), because the SSH library only says "did not validate".
 */
public final class KnownHostsVerifier implements ServerKeyVerifier {

    /** Why a host key was refused. */
    public enum Refusal {
        UNKNOWN_HOST("host key unknown: no known_hosts line names this host"),
        CHANGED_KEY("host key CHANGED: known_hosts has a different key for this host (possible man in the middle)"),
        REVOKED_KEY("host key revoked in known_hosts"),
        KNOWN_HOSTS_UNREADABLE("known_hosts file unreadable");

        private final String message;

        Refusal(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }

    private final Path knownHosts;
    private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();

    public KnownHostsVerifier(Path knownHosts) {
        this.knownHosts = knownHosts;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        String host;
        int port;
        if (remoteAddress instanceof SshdSocketAddress address) {
            host = address.getHostName();
            port = address.getPort();
        } else if (remoteAddress instanceof InetSocketAddress address) {
            host = address.getHostString();
            port = address.getPort();
        } else {
            return false;
        }
        Refusal refusal = check(host, port, serverKey);
        if (refusal == null) {
            refusals.remove(key(host, port));
            return true;
        }
        refusals.put(key(host, port), refusal);
        return false;
    }

    /** The reason of the last refusal for host:port, or null when the last check accepted (or none ran). */
    public Refusal refusal(String host, int port) {
        return refusals.get(key(host, port));
    }

    /** Null when the key is known for host:port, else why not. */
    public Refusal check(String host, int port, PublicKey serverKey) {
        List<String> lines;
        try {
            lines = Files.readAllLines(knownHosts, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return Refusal.KNOWN_HOSTS_UNREADABLE;
        }
        String name = port == 22 ? host : "[" + host + "]:" + port;
        boolean otherKey = false;
        boolean accepted = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String marker = null;
            if (line.startsWith("@")) {
                int space = line.indexOf(' ');
                if (space < 0) {
                    continue;
                }
                marker = line.substring(0, space);
                line = line.substring(space + 1).strip();
            }
            String[] fields = line.split("\\s+", 3);
            if (fields.length < 3 || !namesMatch(fields[0], name)) {
                continue;
            }
            PublicKey lineKey = parseKey(fields[1] + " " + fields[2]);
            if (lineKey == null) {
                continue;
            }
            boolean same = KeyUtils.compareKeys(lineKey, serverKey);
            if ("@revoked".equals(marker)) {
                if (same) {
                    return Refusal.REVOKED_KEY;
                }
            } else if (marker == null) {
                if (same) {
                    accepted = true;
                } else {
                    otherKey = true;
                }
            }
            // @cert-authority: certificates are not checked, so such a line never accepts a plain key
        }
        if (accepted) {
            return null;
        }
        return otherKey ? Refusal.CHANGED_KEY : Refusal.UNKNOWN_HOST;
    }

    /** OpenSSH pattern lists are not supported beyond exact names and negations of exact names. */
    static boolean namesMatch(String names, String name) {
        if (names.startsWith("|1|")) {
            return hashedMatches(names, name);
        }
        boolean matched = false;
        for (String candidate : names.split(",")) {
            if (candidate.startsWith("!")) {
                if (candidate.substring(1).equalsIgnoreCase(name)) {
                    return false;
                }
            } else if (candidate.equalsIgnoreCase(name)) {
                matched = true;
            }
        }
        return matched;
    }

    private static boolean hashedMatches(String entry, String name) {
        String[] parts = entry.split("\\|");
        // "", "1", salt, hash
        if (parts.length != 4) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            byte[] actual = mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    private static PublicKey parseKey(String keyText) {
        try {
            AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(keyText);
            return entry == null ? null : entry.resolvePublicKey(null, Map.of(), null);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static String key(String host, int port) {
        return host.toLowerCase(java.util.Locale.ROOT) + "|" + port;
    }

    /** All names a line would need for host:port, for messages: what the operator should add. */
    public static String expectedName(String host, int port) {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

}
