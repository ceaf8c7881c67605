package dev.scanflow.server.alert;

/** An acknowledge or resolve that the alert's status does not allow (the API answers 409). */
public class AlertTransitionRefused extends RuntimeException {

    public AlertTransitionRefused(String message) {
        super(message);
    }
}
