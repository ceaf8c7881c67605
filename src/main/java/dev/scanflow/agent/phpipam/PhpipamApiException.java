package dev.scanflow.agent.phpipam;

/**
 * phpIPAM's API could not give the agent its work. The message is meant for an operator: it says what
 * phpIPAM answered and which setting to check; it never contains the app code.
 */
public class PhpipamApiException extends RuntimeException {

    private final int status;

    public PhpipamApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public PhpipamApiException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status phpIPAM answered with, 0 when there was no answer. */
    public int status() {
        return status;
    }
}
