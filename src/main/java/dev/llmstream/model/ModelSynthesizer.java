package dev.llmstream.model;

import dev.llmstream.gguf.GgmlType;
import dev.llmstream.gguf.GgufWriter;
import dev.llmstream.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * Writes a synthesized model file: plans it ({@link SynthPlan}), streams it through
 * {@link GgufWriter} with weights generated on {@link SynthOptions#threads()} threads while
 * {@link Progress} reports the bytes written, into a temporary file beside the target that is then
 * atomically renamed -- a reader (or a racing writer) never sees a half-written model.
 */
public final class ModelSynthesizer {

    /** What was written; {@code tensorTypes} counts the tensors of each storage type. */
    public record Result(Path path, long fileSize, long parameterCount, int tensorCount, ModelShape shape,
                         Map<GgmlType, Integer> tensorTypes, Duration elapsed) {}

    private ModelSynthesizer() {}

    public static Result synthesize(SynthOptions options, Path out, Progress.Mode progressMode) throws IOException {
        long start = System.nanoTime();
        SynthPlan plan = SynthPlan.create(options);
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: that makes the file owner-only (0600), and the rename would keep it.
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + "-" + Thread.currentThread().threadId() + ".tmp");
        try {
            GgufWriter writer = plan.writer();
            long size;
            try (Progress progress = Progress.start("synth " + plan.shape().name() + " " + options.weightType(),
                    writer.layout().fileSize(), Progress.Unit.BYTES, progressMode)) {
                size = writer.write(tmp, progress::advance);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Result(target, size, plan.parameterCount(), plan.tensorCount(), plan.shape(),
                    plan.tensorTypeCounts(), Duration.ofNanos(System.nanoTime() - start));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
