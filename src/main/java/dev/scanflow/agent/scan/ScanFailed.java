package dev.scanflow.agent.scan;

/** The scanner did not produce a usable result: no report is sent for this subnet in this cycle. */
public class ScanFailed extends RuntimeException {

    public ScanFailed(String message) {
        super(message);
    }
}
