package dev.scanflow.config;

/** A setting is missing or wrong; the launcher prints the message and exits without a stack trace. */
public class InvalidSettings extends RuntimeException {

    public InvalidSettings(String message) {
        super(message);
    }
}
