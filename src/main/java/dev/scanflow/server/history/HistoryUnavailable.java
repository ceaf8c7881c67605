package dev.scanflow.server.history;

/** ScanFlow's own schema could not be read or written; nothing of the operation was kept. Try again. */
public class HistoryUnavailable extends RuntimeException {

    public HistoryUnavailable(String what, Throwable cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
