package dev.llmstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link QuantMix} against the types llama.cpp's own {@code llama_model_quantize} chose for the same
 * shapes ({@code llama-quant-types/types.txt}, see its README): every 2-D tensor of every catalogue
 * shape and of four custom shapes that reach the 70B rule, the 65B non-rule and the Q5_0 / Q8_0
 * fallbacks of ffn_down, for all five mixes and both pure K types. Plans only, no weights.
 */
class QuantMixGoldenTest {

    private static ModelShape shape(String label) {
        ModelShape tiny = ShapeCatalog.get("tiny");
        return switch (label) {
            case "tiny-80l-gqa" -> tiny.toBuilder().nLayer(80).build();
            case "tiny-80l-mha" -> tiny.toBuilder().nLayer(80).nHeadKv(8).build();
            case "qwen2-80l" -> tiny.toBuilder().architecture("qwen2").nLayer(80).build();
            case "tiny-ff800-untied" -> tiny.toBuilder().nFf(800).tied(false).nLayer(12).build();
            default -> ShapeCatalog.get(label);
        };
    }

    /** The plan's 2-D tensor types in the file's notation: role -> run-length list over layers. */
    private static Map<String, String> planned(ModelShape s, WeightType wt) throws IOException {
        Map<String, List<GgmlType>> byRole = new LinkedHashMap<>();
        for (PlannedTensor t : SynthPlan.create(SynthOptions.of(s, wt, 1)).tensors()) {
            if (t.shape().length < 2) {
                continue;
            }
            String role = QuantMix.layer(t.name()) < 0 ? t.name() : "blk." + t.name().substring(t.name().indexOf('.', 4) + 1);
            byRole.computeIfAbsent(role, k -> new ArrayList<>()).add(t.type());
        }
        Map<String, String> out = new TreeMap<>();
        byRole.forEach((role, types) -> {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < types.size(); ) {
                int j = i;
                while (j < types.size() && types.get(j) == types.get(i)) {
                    j++;
                }
                b.append(b.isEmpty() ? "" : ",").append(types.get(i)).append(j - i > 1 ? "*" + (j - i) : "");
                i = j;
            }
            out.put(role, b.toString());
        });
        return out;
    }

    @org.junit.jupiter.api.Test
    void everyTensorTypeMatchesLlamaQuantize() throws IOException {
        Map<String, Map<String, String>> expected = new LinkedHashMap<>(); // "label quant" -> role -> types
        try (InputStream in = getClass().getResourceAsStream("llama-quant-types/types.txt")) {
            assertThat(in).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.trim().split(" ");
                assertThat(f).as(line).hasSize(4);
                expected.computeIfAbsent(f[0] + " " + f[1], k -> new TreeMap<>()).put(f[2], f[3]);
            }
        }
        assertThat(expected).hasSize(10 * 7);
        for (var e : expected.entrySet()) {
            String[] key = e.getKey().split(" ");
            assertThat(planned(shape(key[0]), WeightType.valueOf(key[1]))).as(e.getKey())
                    .containsExactlyEntriesOf(e.getValue());
        }
    }
}
