package dev.llmstream.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared models/golden folder ({@code ../shared} by default, or the system property /
 * environment variable {@code llmstream.shared} / {@code LLMSTREAM_SHARED}). Tests read it in place,
 * never copy it. When it is absent a test is skipped with a visible message, except under
 * {@code CI=true}, where a missing folder is a failure (CI must never go green by skipping).
 */
public final class SharedAssets {
    private SharedAssets() {}

    /** The shared folder, or {@code null} if not configured/present. */
    public static Path rootOrNull() {
        String configured = System.getProperty("llmstream.shared");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("LLMSTREAM_SHARED");
        }
        Path p = Path.of(configured == null || configured.isBlank() ? "../shared" : configured)
                .toAbsolutePath().normalize();
        return Files.isDirectory(p) ? p : null;
    }

    /** The shared folder; skips (or fails under CI) when it is missing. */
    public static Path root() {
        Path p = rootOrNull();
        if (p == null) {
            String msg = "shared test assets not found (set -Dllmstream.shared=... or place them at ../shared)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg + " -- required under CI=true");
            }
            System.err.println("SKIPPED: " + msg);
            assumeTrue(false, msg);
        }
        return p;
    }

    /** A file under the shared folder; skips/fails like {@link #root()} if the file is absent. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            String msg = "shared asset missing: " + p;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg + " -- required under CI=true");
            }
            System.err.println("SKIPPED: " + msg);
            assumeTrue(false, msg);
        }
        return p;
    }

    public static Path model(String name) {
        return file("models/" + name);
    }

    public static Path golden(String name) {
        return file("golden/" + name);
    }
}
