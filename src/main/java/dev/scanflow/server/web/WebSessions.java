package dev.scanflow.server.web;

import dev.scanflow.server.access.OperatorTokens;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's sessions: made at login with an operator token, whose name and role the session carries, kept in memory (a restart logs everyone out),
 * ended by logout or after {@code idle} without a request. Each has its own CSRF token, which every POST must
 * send back in the X-CSRF-Token header.
 */
public class WebSessions {

    /** One session; {@code csrf} is what the page sends with every POST; {@code caller} the token that logged in. */
    public record Session(String id, String csrf, OperatorTokens.Caller caller, Instant lastUsed) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_SESSIONS = 1000;

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Clock clock;

    public WebSessions(Duration idle, Clock clock) {
        this.idle = idle;
        this.clock = clock;
    }

    public Session open(OperatorTokens.Caller caller) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> s.lastUsed().plus(idle).isBefore(now));
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min(java.util.Comparator.comparing(Session::lastUsed))
                    .ifPresent(oldest -> sessions.remove(oldest.id()));
        }
        Session session = new Session(random(), random(), caller, now);
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session with this id, its idle clock restarted. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session session = sessions.get(id);
        if (session == null || session.lastUsed().plus(idle).isBefore(now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session touched = new Session(session.id(), session.csrf(), session.caller(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    public void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
