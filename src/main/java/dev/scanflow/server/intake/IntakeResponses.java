package dev.scanflow.server.intake;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.util.ObjectHelper;

/** The JSON error body every refused request gets: status, reason phrase and a message for the operator. */
public class IntakeResponses {

    /** The refusal inside whatever Camel wrapped it in. */
    public ReportRejected rejectionIn(Throwable thrown) {
        ReportRejected rejected = ObjectHelper.getException(ReportRejected.class, thrown);
        if (rejected == null) {
            throw new IllegalArgumentException("no ReportRejected in " + thrown);
        }
        return rejected;
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
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }
}
