package dev.scanflow.server.vm;

/** A step of a VM job failed; the job rolls back and ends failed with this step and message. */
public class VmStepFailed extends RuntimeException {

    private final String step;

    public VmStepFailed(String step, String message) {
        super(message, null, false, false);
        this.step = step;
    }

    public String step() {
        return step;
    }
}
