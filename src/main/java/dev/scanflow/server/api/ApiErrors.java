package dev.scanflow.server.api;

import dev.scanflow.server.history.HistoryUnavailable;
import dev.scanflow.server.phpipam.PhpipamUnavailable;
import org.apache.camel.util.ObjectHelper;

/**
 * What the operator API answers when a request fails (routes/operator-api-errors.yaml): the status and a
 * message for people. Bean expressions wrap what they throw, so the cause chain is searched for the
 * {@link ApiError}; anything that is not one is the server's fault and says nothing of its insides.
 */
public class ApiErrors {

    /** The error body: {"status": 404, "error": "Not Found", "message": "..."}. */
    public record Body(int status, String error, String message) {
    }

    public Body of(Throwable failure) {
        ApiError api = ObjectHelper.getException(ApiError.class, failure);
        if (api != null) {
            return body(api.getStatus(), api.getMessage());
        }
        if (ObjectHelper.getException(HistoryUnavailable.class, failure) != null) {
            return body(503, "ScanFlow's database is unavailable; try again later");
        }
        if (ObjectHelper.getException(PhpipamUnavailable.class, failure) != null) {
            return body(503, "phpIPAM's database is unavailable; try again later");
        }
        return body(500, "internal error");
    }

    /** True for failures that are the client's doing (4xx): logged quietly, without a stack trace. */
    public boolean isClientError(Throwable failure) {
        return of(failure).status() < 500;
    }

    static Body body(int status, String message) {
        return new Body(status, reason(status), message);
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 415 -> "Unsupported Media Type";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
