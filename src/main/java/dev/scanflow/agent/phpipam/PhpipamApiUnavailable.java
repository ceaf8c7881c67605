package dev.scanflow.agent.phpipam;

/**
 * The API is down for now: no connection, a timeout, a TLS failure, or an HTTP 5xx (including phpIPAM's
 * 503 "API server disabled", "Application disabled" and "SSL connection is required for API").
 * The work cache falls back to cached answers, even expired ones, only for this kind of failure.
 */
public class PhpipamApiUnavailable extends PhpipamApiException {

    public PhpipamApiUnavailable(int status, String message) {
        super(status, message);
    }

    public PhpipamApiUnavailable(int status, String message, Throwable cause) {
        super(status, message, cause);
    }
}
