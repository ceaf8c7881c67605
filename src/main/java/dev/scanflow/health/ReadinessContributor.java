package dev.scanflow.health;

/**
 * One thing a role needs before it can do its work: the database, phpIPAM's API, delivery to the server, a
 * broker. Register it with {@link ReadinessMonitor#register}; the monitor calls {@link #check()} on its own
 * thread with a timeout, so a check may block (a database round trip) without ever blocking a health request.
 */
public interface ReadinessContributor {

    /** Short, stable, kebab-case: it names the check in {@code /observe/health}. */
    String id();

    /** Throwing counts as down, with the exception's message. */
    Readiness check() throws Exception;
}
