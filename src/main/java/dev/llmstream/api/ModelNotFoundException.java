package dev.llmstream.api;

/** The request names a model this server does not serve (HTTP 404, OpenAI {@code model_not_found}). */
public final class ModelNotFoundException extends RuntimeException {
    private final String model;

    public ModelNotFoundException(String model, String served) {
        super("The model '" + model + "' does not exist; this server serves '" + served + "'", null, false, false);
        this.model = model;
    }

    public String model() {
        return model;
    }
}
