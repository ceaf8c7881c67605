package dev.scanflow.server.intake;

/**
 * Why a report is refused, with the HTTP status the agent gets. Thrown before anything is written;
 * the intake route's error handling turns it into a JSON error response.
 */
public class ReportRejected extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;

    public ReportRejected(int status, String message) {
        this(status, message, 0);
    }

    public ReportRejected(int status, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ReportRejected unauthenticated(String message) {
        return new ReportRejected(401, message);
    }

    public static ReportRejected forbidden(String message) {
        return new ReportRejected(403, message);
    }

    public static ReportRejected invalid(String message) {
        return new ReportRejected(400, message);
    }

    public int getStatus() {
        return status;
    }

    /** Seconds for a Retry-After header; 0 when retrying will not help. */
    public long getRetryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Refusals that count against the source: a token the server does not know (see FailedAttempts). */
    public boolean isFailedToken() {
        return status == 401;
    }
}
