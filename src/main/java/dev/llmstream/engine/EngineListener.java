package dev.llmstream.engine;

/**
 * Receives a request's outputs. Called on the engine thread: implementations must return quickly and
 * never block (append to a mailbox and hand off to another thread).
 */
@FunctionalInterface
public interface EngineListener {
    void onOutput(EngineOutput output);
}
