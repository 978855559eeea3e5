package dev.llmstream.api;

import java.util.List;

/**
 * {@code GET /v1/models}: OpenAI's list shape plus vLLM's {@code root} (the model source; benchmark
 * tools read it), {@code parent} and {@code max_model_len}.
 */
public record ModelList(String object, List<Card> data) {

    public static ModelList of(Card card) {
        return new ModelList("list", List.of(card));
    }

    public record Card(String id, String object, long created, String ownedBy, String root, String parent,
                       int maxModelLen) {
        public static Card of(String id, long created, String root, int maxModelLen) {
            return new Card(id, "model", created, "llmstream", root, null, maxModelLen);
        }
    }
}
