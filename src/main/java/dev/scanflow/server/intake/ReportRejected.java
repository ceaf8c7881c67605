package dev.scanflow.server.intake;

/**
 * Why a report is refused, with the HTTP status the agent gets. Thrown before anything is written;
 * the intake route's error handling turns it into a JSON error response.
 */
public class ReportRejected extends RuntimeException {

    private final int status;

    public ReportRejected(int status, String message) {
        super(message, null, false, false);
        this.status = status;
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
}
