package dev.scanflow.server.vm;

/**
 * GET /nodes/{node}/tasks/{upid}/status: {@code status} is "running" or "stopped"; once stopped,
 * {@code exitstatus} is "OK" or the task's error ("WARNINGS: n" counts as success, as the GUI shows it).
 */
public record ProxmoxTask(String status, String exitStatus) {

    public boolean running() {
        return !"stopped".equals(status);
    }

    public boolean succeeded() {
        return !running() && exitStatus != null && (exitStatus.equals("OK") || exitStatus.startsWith("WARNINGS"));
    }
}
