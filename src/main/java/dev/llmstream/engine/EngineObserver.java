package dev.llmstream.engine;

/**
 * Telemetry hook called on the engine thread after every step. Must be cheap and non-blocking
 * (record into histograms, sample spans); an exception here is logged by the engine and ignored.
 */
@FunctionalInterface
public interface EngineObserver {
    void onStep(StepEvent event);
}
