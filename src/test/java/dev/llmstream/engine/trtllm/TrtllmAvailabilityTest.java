package dev.llmstream.engine.trtllm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The availability probe and the --engine auto decision. */
class TrtllmAvailabilityTest {

    @Test
    void theMockIsLoadableButNeverAvailableForServing() {
        MockShim.assumeLoaded();
        TrtllmAvailability.Availability a = TrtllmAvailability.probe();
        assertThat(a.available()).isFalse();
        assertThat(a.mock()).isTrue();
        assertThat(a.version()).startsWith("mock");
        assertThat(a.reason()).contains("CPU mock");
    }

    @Test
    void engineDirectoriesAreCheckedBeforeTheLibrary() throws Exception {
        assertThat(TrtllmAvailability.checkEngineDir(null)).get().asString().contains("--engine-dir");
        Path dir = MockShim.engineDir("looks-real");
        assertThat(TrtllmAvailability.checkEngineDir(dir.resolve("nope"))).get().asString().contains("does not exist");
        assertThat(TrtllmAvailability.checkEngineDir(dir)).get().asString().contains("config.json");
        Files.writeString(dir.resolve("config.json"), "{}");
        assertThat(TrtllmAvailability.checkEngineDir(dir)).get().asString().contains("rank*.engine");
        Files.writeString(dir.resolve("rank0.engine"), "");
        assertThat(TrtllmAvailability.checkEngineDir(dir)).isEmpty();
    }

    @Test
    void autoPicksCpuAndSaysWhy() throws Exception {
        assertThat(TrtllmAvailability.chooseAuto(null, null))
                .isEqualTo(new TrtllmAvailability.AutoChoice(false,
                        "no --engine-dir given, so there is no TensorRT engine to serve"));
        MockShim.assumeLoaded();
        Path dir = MockShim.engineDir("auto");
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("rank0.engine"), "");
        TrtllmAvailability.AutoChoice c = TrtllmAvailability.chooseAuto(dir, null);
        assertThat(c.trtllm()).isFalse();
        assertThat(c.reason()).contains("CPU mock");
    }

    /** Runs the probe command in a JVM with the main classes only (no test-classes: the production view). */
    private static String probeInFreshJvm(String... args) throws Exception {
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-Dorg.bytedeco.javacpp.cachedir=" + Path.of("target", "javacpp-cache").toAbsolutePath(),
                "-cp", cp, TrtllmAvailability.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        return out;
    }

    @Test
    void aBuildWithoutTheShimReportsTheMissingLibraryAndWhereItComesFrom() throws Exception {
        assertThat(probeInFreshJvm()).contains("unavailable: this build contains no TensorRT-LLM shim")
                .contains(ShimLibrary.PINNED_IMAGE);
    }

    @Test
    void aNativeDirectoryIsLoadedInPlace() throws Exception {
        MockShim.assumeLoaded();
        Path dir = Path.of("target", "test-classes", "dev", "llmstream", "engine", "trtllm", "linux-x86_64");
        assertThat(probeInFreshJvm("", dir.toAbsolutePath().toString()))
                .contains("unavailable: the loaded libtrtllm_shim.so is the CPU mock");
        assertThat(probeInFreshJvm("", "/nonexistent/natives")).contains("/nonexistent/natives does not exist");
    }

    @Test
    void loadFailuresNameTheLibraryThatIsMissing() {
        String vendor = ShimLibrary.describe(new UnsatisfiedLinkError(
                "libtrtllm_shim.so: libtensorrt_llm.so: cannot open shared object file"));
        assertThat(vendor).startsWith("a TensorRT-LLM/CUDA/MPI library the shim needs is missing");
        String ours = ShimLibrary.describe(new UnsatisfiedLinkError("no jniTrtllmShim in java.library.path"));
        assertThat(ours).startsWith("this build contains no TensorRT-LLM shim");
    }
}
