package dev.scanflow.server.intake;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON error body every refused request gets: status, reason phrase and a message for the operator. */
public class IntakeResponses {

    /** The refusal inside whatever Camel wrapped it in. */
    public ReportRejected rejectionIn(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof ReportRejected rejected) {
                return rejected;
            }
        }
        throw new IllegalArgumentException("no ReportRejected in " + thrown);
    }

    public Map<String, Object> rejection(ReportRejected rejected) {
        return error(rejected.getStatus(), rejected.getMessage());
    }

    public Map<String, Object> error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", reason(status));
        body.put("message", message);
        return body;
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }
}
