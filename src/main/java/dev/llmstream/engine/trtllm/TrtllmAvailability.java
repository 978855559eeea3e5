package dev.llmstream.engine.trtllm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Can this process run the TensorRT-LLM engine, and if not, why. The CLI uses it for
 * {@code --engine trtllm} (fail fast with {@link Availability#reason()}) and {@code --engine auto}
 * ({@link #chooseAuto}: TensorRT-LLM when everything is in place, else the CPU engine and the
 * reason). Probing loads the native library at most once and never throws.
 *
 * <p>Also a command: {@code java -cp llmstream.jar:lib/* dev.llmstream.engine.trtllm.TrtllmAvailability
 * [engine-dir [native-dir]]} prints the verdict and exits 0 when usable (handy in the GPU image).
 */
public final class TrtllmAvailability {

    /**
     * @param available the real shim is loaded and can create engines
     * @param mock      the loaded shim is the CPU test double (then {@code available} is false)
     * @param version   the TensorRT-LLM version the shim was built against, or null
     * @param reason    why it is not available, or a one-line description when it is
     */
    public record Availability(boolean available, boolean mock, String version, String reason) {
    }

    /** The engine {@code --engine auto} should use. */
    public record AutoChoice(boolean trtllm, String reason) {
    }

    private TrtllmAvailability() {
    }

    /** Probes the native libraries found on the class path or {@code java.library.path}. */
    public static Availability probe() {
        return probe(null);
    }

    /** Probes with the shim taken from {@code nativeDir} first (null: class path and library path). */
    public static Availability probe(Path nativeDir) {
        ShimLibrary.Loaded l = ShimLibrary.load(nativeDir);
        if (!l.ok()) {
            return new Availability(false, false, null, l.error());
        }
        if (l.mock()) {
            return new Availability(false, true, l.version(),
                    "the loaded libtrtllm_shim.so is the CPU mock of TensorRT-LLM (a test double), not the real shim");
        }
        return new Availability(true, false, l.version(), "TensorRT-LLM shim " + l.version() + " loaded from "
                + l.location());
    }

    /**
     * Checks that a directory looks like a {@code trtllm-build} output: a {@code config.json} and at
     * least one {@code rank*.engine}. Returns the problem, or empty when it looks right. The Executor
     * checks the rest (versions, plugins) when it loads the engine.
     */
    public static Optional<String> checkEngineDir(Path engineDir) {
        if (engineDir == null) {
            return Optional.of("no --engine-dir given (a trtllm-build output directory)");
        }
        if (!Files.isDirectory(engineDir)) {
            return Optional.of("engine directory " + engineDir + " does not exist");
        }
        if (!Files.isRegularFile(engineDir.resolve("config.json"))) {
            return Optional.of(engineDir + " has no config.json: is it a trtllm-build output directory?");
        }
        try (var files = Files.list(engineDir)) {
            boolean engine = files.anyMatch(f -> {
                String n = f.getFileName().toString();
                return n.startsWith("rank") && n.endsWith(".engine");
            });
            return engine ? Optional.empty() : Optional.of(engineDir + " has no rank*.engine file");
        } catch (java.io.IOException e) {
            return Optional.of("cannot list " + engineDir + ": " + e.getMessage());
        }
    }

    /**
     * {@code --engine auto}: TensorRT-LLM only when an engine directory was given, it looks like an
     * engine, and the real shim loads; otherwise the CPU engine, with the reason to log.
     */
    public static AutoChoice chooseAuto(Path engineDir, Path nativeDir) {
        if (engineDir == null) {
            return new AutoChoice(false, "no --engine-dir given, so there is no TensorRT engine to serve");
        }
        Optional<String> dirProblem = checkEngineDir(engineDir);
        if (dirProblem.isPresent()) {
            return new AutoChoice(false, dirProblem.get());
        }
        Availability a = probe(nativeDir);
        if (!a.available()) {
            return new AutoChoice(false, a.reason());
        }
        return new AutoChoice(true, a.reason());
    }

    public static void main(String[] args) {
        Path engineDir = args.length > 0 && !args[0].isEmpty() ? Path.of(args[0]) : null;
        Path nativeDir = args.length > 1 ? Path.of(args[1]) : null;
        Availability a = probe(nativeDir);
        System.out.println((a.available() ? "available: " : "unavailable: ") + a.reason());
        if (engineDir != null) {
            System.out.println("engine dir: " + checkEngineDir(engineDir).orElse("ok"));
        }
        System.exit(a.available() && (engineDir == null || checkEngineDir(engineDir).isEmpty()) ? 0 : 1);
    }
}
