package dev.llmstream.engine.trtllm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;

/**
 * Test support for the CPU mock of the TensorRT-LLM shim, which the default Maven build compiles into
 * target/test-classes. Engine directories are written under target/ with a mock_engine.cfg each.
 */
final class MockShim {
    private static final Path ROOT = Path.of("target", "trtllm-mock-engines");

    private MockShim() {
    }

    /**
     * Skips the calling test when the mock shim was not built (-Dtrtllm.native=none); under CI=true
     * that is a failure, since CI must exercise the JNI path.
     */
    static void assumeLoaded() {
        ShimLibrary.Loaded l = ShimLibrary.load(null);
        boolean ok = l.ok() && l.mock();
        if (!ok && "true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("the TensorRT-LLM mock shim must be built and loadable under CI: " + l.error());
        }
        assumeTrue(ok, () -> "TensorRT-LLM mock shim not built (" + l.error() + ")");
    }

    /** A fresh engine directory holding {@code cfgLines} as its mock_engine.cfg. */
    static Path engineDir(String name, String... cfgLines) {
        try {
            Path dir = ROOT.resolve(name + "-" + ProcessHandle.current().pid());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("mock_engine.cfg"), String.join("\n", cfgLines) + "\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A config for a mock engine directory with the given queue bound, mock allowed. */
    static TrtllmConfig config(Path dir, int maxQueue) {
        return TrtllmConfig.of(dir)
                .withScheduling(new TrtllmConfig.Scheduling(0, 0, maxQueue, true, true))
                .withPolling(20, 64 << 10)
                .withMockAllowed();
    }

    static TrtllmEngine start(String name, int maxQueue, String... cfgLines) {
        assumeLoaded();
        return TrtllmEngine.start(config(engineDir(name, cfgLines), maxQueue));
    }
}
