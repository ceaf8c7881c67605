package dev.scanflow.server.phpipam;

/** The phpIPAM database could not be read or written; the report is not applied and can be resent. */
public class PhpipamUnavailable extends RuntimeException {

    public PhpipamUnavailable(String doing, Throwable cause) {
        super("phpIPAM database error while " + doing + ": " + cause.getMessage(), cause);
    }
}
