package dev.scanflow.agent.scan;

/** Scanner output that cannot be trusted at all: not nmap XML, or XML that tries to declare entities. */
public class ScanOutputRejected extends RuntimeException {

    public ScanOutputRejected(String message, Throwable cause) {
        super(message, cause);
    }
}
