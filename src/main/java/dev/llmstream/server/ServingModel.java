package dev.llmstream.server;

import dev.llmstream.api.ModelList;
import dev.llmstream.api.ModelNotFoundException;
import dev.llmstream.engine.InferenceEngine;
import dev.llmstream.frontend.RequestPreparer;
import dev.llmstream.frontend.Tokenization;

/**
 * The model being served: its engine, its text side and how clients name it. A request's
 * {@code model} may be omitted (this one), or equal the id or the root; anything else is a 404.
 *
 * @param id      model id clients send and {@code /v1/models} lists
 * @param root    where the model came from (the GGUF path), vLLM's {@code root}
 * @param created epoch seconds the server started serving it
 */
record ServingModel(InferenceEngine engine, RequestPreparer preparer, Tokenization tokenization, String id, String root,
                    long created) {

    void check(String requested) {
        if (requested != null && !requested.isEmpty() && !requested.equals(id) && !requested.equals(root)) {
            throw new ModelNotFoundException(requested, id);
        }
    }

    ModelList modelList() {
        return ModelList.of(ModelList.Card.of(id, created, root, preparer.contextLength()));
    }
}
