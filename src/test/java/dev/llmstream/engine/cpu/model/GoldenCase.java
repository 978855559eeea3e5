package dev.llmstream.engine.cpu.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One case of a {@code ../shared/golden/*.json} file (plain prompts and chat cases alike). */
record GoldenCase(String id, String prompt, int[] promptIds, int[] outputIds, String outputText,
                  int[] topIds, double[] topProbs, int reliablePrefix005, String stopType, boolean chat) {

    static List<GoldenCase> load(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<GoldenCase> out = new ArrayList<>();
        for (JsonNode c : root.path("cases")) {
            out.add(of(c, c.path("prompt").asText(), false));
        }
        for (JsonNode c : root.path("chat_cases")) {
            out.add(of(c, c.path("rendered_prompt").asText(), true));
        }
        return out;
    }

    private static GoldenCase of(JsonNode c, String prompt, boolean chat) {
        JsonNode top = c.path("first_step_top");
        int[] ids = new int[top.size()];
        double[] probs = new double[top.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = top.get(i).path("id").asInt();
            probs[i] = top.get(i).path("prob").asDouble();
        }
        return new GoldenCase(c.path("id").asText(), prompt, ints(c.path("prompt_ids")), ints(c.path("output_ids")),
                c.path("output_text").asText(), ids, probs, c.path("reliable_prefix_0.05").asInt(),
                c.path("stop_type").asText(), chat);
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }
}
