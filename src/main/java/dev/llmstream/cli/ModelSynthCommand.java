package dev.llmstream.cli;

import dev.llmstream.model.ModelShape;
import dev.llmstream.model.ModelSynthesizer;
import dev.llmstream.model.ShapeCatalog;
import dev.llmstream.model.SynthOptions;
import dev.llmstream.model.WeightType;
import dev.llmstream.util.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code llmstream model synth}: writes a seeded random-weight GGUF of a real model shape. */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = {
            "Write a llama.cpp-loadable GGUF with seeded random weights in the shape of a real model.",
            "Same seed and options give a byte-identical file; every --quant of one seed holds the same weights."
        })
public final class ModelSynthCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, description = "GGUF file to write (replaced atomically).")
    Path output;

    @Option(names = "--shape", defaultValue = "tiny",
            description = "Named shape: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = ShapeNames.class)
    String shape;

    @Option(names = "--quant", defaultValue = "Q8_0",
            description = {"Matrix storage type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); norms stay F32.",
                "Q4_K_S/Q4_K_M/Q5_K_S/Q5_K_M/Q6_K choose each tensor's type as llama-quantize does (e.g. Q4_K_M:"
                        + " output/tied embeddings and some attn_v/ffn_down Q6_K, the rest Q4_K); Q4_K and Q5_K are"
                        + " pure. K-quant tensors whose rows are not whole 256-weight super-blocks fall back as in"
                        + " llama.cpp (Q4_K->Q5_0, Q5_K->Q5_1, Q6_K->Q8_0)."})
    WeightType quant;

    @Option(names = "--seed", defaultValue = "42", description = "Model seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--vocab-from", description = "Copy every tokenizer.* key from this GGUF instead of generating a vocabulary.")
    Path vocabFrom;

    @Option(names = "--name", description = "general.name (default: synth-<shape>).")
    String name;

    @Option(names = "--arch", description = "Architecture: llama, qwen2, qwen3.")
    String arch;

    @Option(names = "--n-embd") Integer nEmbd;
    @Option(names = "--n-layer") Integer nLayer;
    @Option(names = "--n-head") Integer nHead;
    @Option(names = "--n-head-kv") Integer nHeadKv;
    @Option(names = "--head-dim", description = "Per-head width (default: n_embd / n_head, or the shape's).")
    Integer headDim;
    @Option(names = "--n-ff") Integer nFf;
    @Option(names = "--vocab-size") Integer vocabSize;
    @Option(names = "--ctx", description = "Training context length.") Integer ctx;
    @Option(names = "--rope-theta") Float ropeTheta;
    @Option(names = "--tied", description = "Output head shares token_embd.weight.") boolean tied;
    @Option(names = "--untied", description = "Separate output.weight.") boolean untied;

    @Option(names = "--threads", description = "Weight-generation threads (default: all processors).")
    Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Option(names = "--list-shapes", description = "Print the named shapes and exit.")
    boolean listShapes;

    /** Feeds the shape names to picocli's help text. */
    static final class ShapeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ShapeCatalog.names().iterator();
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (listShapes) {
            for (String n : ShapeCatalog.names()) {
                ModelShape s = ShapeCatalog.get(n);
                out.printf(Locale.ROOT, "%-14s %-6s n_embd %5d  layers %3d  heads %3d/%-3d n_ff %5d  vocab %6d  ctx %6d%n",
                        n, s.architecture(), s.nEmbd(), s.nLayer(), s.nHead(), s.nHeadKv(), s.nFf(), s.nVocab(),
                        s.contextLength());
            }
            out.flush();
            return 0;
        }
        try {
            if (output == null) {
                throw new IllegalArgumentException("--output is required");
            }
            if (tied && untied) {
                throw new IllegalArgumentException("--tied and --untied exclude each other");
            }
            SynthOptions options = new SynthOptions(resolveShape(), quant, seed, Optional.ofNullable(vocabFrom),
                    vocabSize != null, Optional.ofNullable(name),
                    threads != null ? threads : Runtime.getRuntime().availableProcessors());
            ModelSynthesizer.Result r = ModelSynthesizer.synthesize(options, output,
                    quiet ? Progress.Mode.SILENT : Progress.Mode.AUTO);
            out.printf(Locale.ROOT, "wrote %s: %s (%s) %s, %,d parameters, %d tensors, %,d bytes in %.1f s%n",
                    r.path(), r.shape().name(), r.shape().architecture(), quant, r.parameterCount(), r.tensorCount(),
                    r.fileSize(), r.elapsed().toNanos() / 1e9);
            StringJoiner types = new StringJoiner(", ", "tensor types: ", "");
            r.tensorTypes().forEach((t, n) -> types.add(n + " " + t));
            out.println(types);
            out.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        } catch (IOException | dev.llmstream.gguf.GgufFormatException e) {
            err.println("error: " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
            err.flush();
            return 1;
        }
    }

    /** The named shape with the explicit overrides; renamed {@code <shape>-custom} if they changed it. */
    private ModelShape resolveShape() {
        ModelShape named = ShapeCatalog.get(shape);
        ModelShape.Builder b = named.toBuilder();
        if (arch != null) {
            b.architecture(arch);
            if (!arch.equals("llama")) {
                b.llama3Rope(Optional.empty()); // only llama loads rope_freqs.weight
            }
        }
        if (nEmbd != null) b.nEmbd(nEmbd);
        if (nLayer != null) b.nLayer(nLayer);
        if (nHead != null) b.nHead(nHead);
        if (nHeadKv != null) b.nHeadKv(nHeadKv);
        if (headDim != null) b.headDim(headDim);
        if (nFf != null) b.nFf(nFf);
        if (vocabSize != null) b.nVocab(vocabSize);
        if (ctx != null) b.contextLength(ctx);
        if (ropeTheta != null) b.ropeTheta(ropeTheta);
        if (tied) b.tied(true);
        if (untied) b.tied(false);
        ModelShape result = b.build();
        return result.equals(named) ? named : result.toBuilder().name(named.name() + "-custom").build();
    }
}
