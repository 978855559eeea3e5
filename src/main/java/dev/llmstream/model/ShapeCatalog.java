package dev.llmstream.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Named model shapes for {@code model synth --shape}: the real hyperparameters of small public
 * models (from their Hugging Face {@code config.json}), so a synthesized file has exactly the
 * tensor shapes, parameter count and memory footprint of the real one -- only the weights are
 * random. Parameter counts below are with tied embeddings, as the real models have them.
 *
 * <table>
 *   <tr><th>name</th><th>arch</th><th>n_embd</th><th>layers</th><th>heads/kv</th><th>n_ff</th>
 *       <th>vocab</th><th>ctx</th><th>rope theta</th><th>params</th></tr>
 *   <tr><td>tiny</td><td>llama</td><td>256</td><td>4</td><td>8/4</td><td>768</td><td>8192</td>
 *       <td>2048</td><td>1e4</td><td>5,245,184</td></tr>
 *   <tr><td>smollm2-135m</td><td>llama</td><td>576</td><td>30</td><td>9/3</td><td>1536</td><td>49152</td>
 *       <td>8192</td><td>1e5</td><td>134,515,008</td></tr>
 *   <tr><td>smollm2-360m</td><td>llama</td><td>960</td><td>32</td><td>15/5</td><td>2560</td><td>49152</td>
 *       <td>8192</td><td>1e5</td><td>361,821,120</td></tr>
 *   <tr><td>qwen2.5-0.5b</td><td>qwen2</td><td>896</td><td>24</td><td>14/2</td><td>4864</td><td>151936</td>
 *       <td>32768</td><td>1e6</td><td>494,032,768</td></tr>
 *   <tr><td>qwen3-0.6b</td><td>qwen3</td><td>1024 (head_dim 128)</td><td>28</td><td>16/8</td><td>3072</td>
 *       <td>151936</td><td>40960</td><td>1e6</td><td>596,049,920</td></tr>
 *   <tr><td>llama-3.2-1b</td><td>llama</td><td>2048</td><td>16</td><td>32/8</td><td>8192</td><td>128256</td>
 *       <td>131072</td><td>5e5, llama3 scaling 32/1/4/8192</td><td>1,235,814,432</td></tr>
 * </table>
 *
 * (llama-3.2-1b counts the 32 entries of {@code rope_freqs.weight}, as llama.cpp does.)
 */
public final class ShapeCatalog {
    private static final Map<String, ModelShape> SHAPES = new LinkedHashMap<>();

    static {
        add(new ModelShape("tiny", "llama", 256, 4, 8, 4, 0, 768, 8192, 2048, 10_000f, 1e-5f, true,
                Optional.empty()));
        add(new ModelShape("smollm2-135m", "llama", 576, 30, 9, 3, 0, 1536, 49152, 8192, 100_000f, 1e-5f, true,
                Optional.empty()));
        add(new ModelShape("smollm2-360m", "llama", 960, 32, 15, 5, 0, 2560, 49152, 8192, 100_000f, 1e-5f, true,
                Optional.empty()));
        add(new ModelShape("qwen2.5-0.5b", "qwen2", 896, 24, 14, 2, 0, 4864, 151936, 32768, 1_000_000f, 1e-6f,
                true, Optional.empty()));
        add(new ModelShape("qwen3-0.6b", "qwen3", 1024, 28, 16, 8, 128, 3072, 151936, 40960, 1_000_000f, 1e-6f,
                true, Optional.empty()));
        add(new ModelShape("llama-3.2-1b", "llama", 2048, 16, 32, 8, 0, 8192, 128256, 131072, 500_000f, 1e-5f,
                true, Optional.of(new ModelShape.Llama3Rope(32f, 1f, 4f, 8192))));
    }

    private ShapeCatalog() {}

    private static void add(ModelShape s) {
        SHAPES.put(s.name(), s);
    }

    public static List<String> names() {
        return List.copyOf(SHAPES.keySet());
    }

    /** The named shape; an unknown name is an {@link IllegalArgumentException} listing the known ones. */
    public static ModelShape get(String name) {
        ModelShape s = SHAPES.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown shape '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return s;
    }
}
