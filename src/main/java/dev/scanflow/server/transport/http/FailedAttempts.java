package dev.scanflow.server.transport.http;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.server.intake.ReportRejected;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Header;

/**
 * Slows a source that keeps presenting tokens the server does not know: after {@code limit} failed tokens
 * within {@code window}, its further unauthenticated requests get 429 until the window has passed.
 *
 * <p>Only failed tokens count (401), keyed by the source they came from. A report refused for what it says
 * (403: a subnet not assigned, an agent code phpIPAM does not know) proves the sender holds a valid token,
 * so it does not count; and a valid token always passes, so agents behind the same address (one NAT, one
 * proxy) are never locked out by a neighbour's wrong token. That costs no safety: tokens are 256 random
 * bits, which no rate of guessing can find; the lockout sheds the traffic of a misconfigured or hostile
 * client early and keeps its log lines to a few.
 *
 * <p>The source is the peer address, unless the peer is one of the configured trusted proxies: then the
 * right-most X-Forwarded-For entry that is not itself a trusted proxy. X-Forwarded-For from anyone else is
 * ignored, since a client can write whatever it likes there.
 */
public class FailedAttempts {

    private static final int TRACKED_SOURCES_LIMIT = 100_000;

    private record Window(Instant start, int failures) {
    }

    private final int limit;
    private final Duration window;
    private final List<Cidr> trustedProxies;
    private final Clock clock;
    private final Map<String, Window> bySource = new ConcurrentHashMap<>();

    public FailedAttempts(int limit, Duration window, List<Cidr> trustedProxies, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.trustedProxies = List.copyOf(trustedProxies);
        this.clock = clock;
    }

    /** The client's address, from the peer address and, behind a trusted proxy, X-Forwarded-For. */
    public String source(@Header("CamelVertxPlatformHttpRemoteAddress") Object peer,
                         @Header("X-Forwarded-For") String forwardedFor) {
        String address = hostOf(String.valueOf(peer));
        if (forwardedFor == null || !isTrustedProxy(address)) {
            return address;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (!isTrustedProxy(hop)) {
                return hop.isEmpty() ? address : hop;
            }
        }
        return address;
    }

    /** @throws ReportRejected 429 while the source is over its limit of refusals */
    public void checkAllowed(String source) {
        Window current = bySource.get(source);
        if (current == null) {
            return;
        }
        Instant end = current.start().plus(window);
        Instant now = clock.instant();
        if (now.isAfter(end)) {
            bySource.remove(source, current);
        } else if (current.failures() > limit) {
            long seconds = Math.max(1, Duration.between(now, end).toSeconds());
            throw new ReportRejected(429, "too many refused requests from " + source + "; retry in " + seconds + " s",
                    seconds);
        }
    }

    /**
     * What to answer for a refusal: a failed token is counted against its source, and once the source is
     * over its limit the answer is 429 with the time left instead of another 401.
     */
    public ReportRejected afterRefusal(ReportRejected rejection, String source) {
        if (rejection.getStatus() != 401 || source == null) {
            return rejection;
        }
        recordFailure(source);
        try {
            checkAllowed(source);
            return rejection;
        } catch (ReportRejected tooMany) {
            return tooMany;
        }
    }

    public void recordFailure(String source) {
        Instant now = clock.instant();
        if (bySource.size() >= TRACKED_SOURCES_LIMIT) {
            bySource.values().removeIf(w -> now.isAfter(w.start().plus(window)));
        }
        bySource.compute(source, (key, old) -> old == null || now.isAfter(old.start().plus(window))
                ? new Window(now, 1) : new Window(old.start(), old.failures() + 1));
    }

    private boolean isTrustedProxy(String address) {
        try {
            IpAddress ip = IpAddress.parse(address);
            return trustedProxies.stream().anyMatch(proxy -> proxy.contains(ip));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** "127.0.0.1:53632", "[::1]:40000" or "/127.0.0.1:1" → the address part. */
    static String hostOf(String socketAddress) {
        String text = socketAddress.startsWith("/") ? socketAddress.substring(1) : socketAddress;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            return close > 0 ? text.substring(1, close) : text;
        }
        int colon = text.lastIndexOf(':');
        return colon > 0 && text.indexOf(':') == colon ? text.substring(0, colon) : text;
    }
}
