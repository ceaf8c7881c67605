package dev.scanflow.server.vm;

/** Proxmox refused or failed a call (status 0: it could not be reached), with Proxmox's own message. */
public class ProxmoxError extends RuntimeException {

    private final int status;

    public ProxmoxError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
