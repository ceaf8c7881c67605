package dev.scanflow.server.store;

/**
 * Told when the apply path has passed one of its steps. In production it does nothing; a test passes one
 * that throws at a chosen step, to show that a crash there loses nothing and doubles nothing.
 */
@FunctionalInterface
public interface StepHook {

    StepHook NONE = step -> { };

    void reached(String step);
}
