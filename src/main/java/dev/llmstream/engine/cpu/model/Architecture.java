package dev.llmstream.engine.cpu.model;

import dev.llmstream.engine.cpu.kernel.Rope;
import java.util.Locale;

/**
 * What differs between the supported decoder-only transformer families. The forward pass is one
 * piece of code; an architecture only chooses these small variations (llama.cpp's {@code LLM_ARCH_*}
 * graphs share the same skeleton):
 *
 * <ul>
 *   <li>{@link Rope.Style}: llama rotates adjacent pairs {@code (2i, 2i+1)} (GGUF converters permute
 *       Q/K weights into this layout); Qwen rotates halves {@code (i, i + d/2)} ("NEOX").</li>
 *   <li>Q/K/V biases (Qwen2), per-head RMSNorm of Q and K before RoPE (Qwen3).</li>
 * </ul>
 */
public enum Architecture {
    LLAMA("llama", Rope.Style.NORMAL, false, false),
    QWEN2("qwen2", Rope.Style.NEOX, true, false),
    QWEN3("qwen3", Rope.Style.NEOX, false, true);

    private final String ggufName;
    private final Rope.Style ropeStyle;
    private final boolean qkvBias;
    private final boolean qkNorm;

    Architecture(String ggufName, Rope.Style ropeStyle, boolean qkvBias, boolean qkNorm) {
        this.ggufName = ggufName;
        this.ropeStyle = ropeStyle;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
    }

    /** The {@code general.architecture} value, also the prefix of its hyperparameter keys. */
    public String ggufName() {
        return ggufName;
    }

    public Rope.Style ropeStyle() {
        return ropeStyle;
    }

    /** Whether the Q/K/V projections carry biases (required tensors). */
    public boolean qkvBias() {
        return qkvBias;
    }

    /** Whether Q and K are RMS-normalized per head before RoPE (required tensors). */
    public boolean qkNorm() {
        return qkNorm;
    }

    /** The architecture for a {@code general.architecture} value, or {@code null} if unsupported. */
    public static Architecture fromGguf(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.ggufName.equals(n)) {
                return a;
            }
        }
        return null;
    }
}
