package dev.llmstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.ModelHparams;
import dev.llmstream.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultModelTest {
    private static final ModelShape TINY = ShapeCatalog.get("tiny");

    @TempDir
    Path cache;

    @Test
    void createsOnceThenReusesLoggingOneLineEachTime() throws IOException {
        List<String> log = new ArrayList<>();
        Path dir = cache.resolve("nested/llmstream");
        Path p = DefaultModel.ensure(dir, TINY, Progress.Mode.SILENT, log::add);
        assertThat(p).isEqualTo(dir.resolve("default-tiny-q8_0-seed" + DefaultModel.SEED + "-g1.gguf").toAbsolutePath());
        assertThat(log).hasSize(1);
        assertThat(log.getFirst()).startsWith("Created the built-in default model " + p)
                .contains("random-weight synthetic tiny").contains("not a trained model");
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(ModelHparams.from(f).nEmbd()).isEqualTo(256);
            assertThat(f.metadata().requireLong("general.file_type")).isEqualTo(7);
        }
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000));
        Path again = DefaultModel.ensure(dir, TINY, Progress.Mode.SILENT, log::add);
        assertThat(again).isEqualTo(p);
        assertThat(Files.getLastModifiedTime(p).toMillis()).isEqualTo(1_000_000); // not rewritten
        assertThat(log).hasSize(2);
        assertThat(log.get(1)).startsWith("Using the built-in default model " + p);
    }

    @Test
    void aCorruptCachedFileIsReplaced() throws IOException {
        Path p = cache.resolve(DefaultModel.fileName(TINY));
        Files.write(p, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0, 9}); // truncated header
        assertThat(DefaultModel.isUsable(p)).isFalse();
        DefaultModel.ensure(cache, TINY, Progress.Mode.SILENT, line -> {});
        assertThat(DefaultModel.isUsable(p)).isTrue();
    }

    /**
     * Two processes creating the default model at once: each synthesizes into its own temporary
     * file and renames it into place. Simulated with threads that bypass the in-process lock.
     */
    @Test
    void racingCreatorsLeaveOneCompleteFileAndNoTemporaries() throws Exception {
        Path target = cache.resolve(DefaultModel.fileName(TINY));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Path>> jobs = Collections.nCopies(3, () -> ModelSynthesizer.synthesize(
                    SynthOptions.of(TINY, DefaultModel.TYPE, DefaultModel.SEED).withThreads(1), target,
                    Progress.Mode.SILENT).path());
            List<byte[]> seen = new ArrayList<>();
            for (Future<Path> f : pool.invokeAll(jobs)) {
                assertThat(f.get()).isEqualTo(target.toAbsolutePath());
                seen.add(Files.readAllBytes(target));
            }
            assertThat(DefaultModel.isUsable(target)).isTrue();
            for (byte[] b : seen) {
                assertThat(b).isEqualTo(seen.getFirst());
            }
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(cache)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly(target.getFileName().toString());
        }
    }

    @Test
    void cacheDirHonoursTheEnvironment() {
        assertThat(DefaultModel.cacheDir(k -> k.equals("LLMSTREAM_CACHE") ? "/data/cache" : null, "/home/u"))
                .isEqualTo(Path.of("/data/cache"));
        assertThat(DefaultModel.cacheDir(k -> null, "/home/u")).isEqualTo(Path.of("/home/u/.cache/llmstream"));
        assertThat(DefaultModel.cacheDir(k -> " ", "/home/u")).isEqualTo(Path.of("/home/u/.cache/llmstream"));
    }
}
