package dev.llmstream.engine.trtllm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code libtrtllm_shim.so} and its JNI glue {@code libjniTrtllmShim.so} once per JVM and
 * says which shim it got. Loading is a value: a missing library, a wrong ABI or a missing symbol
 * becomes {@link Loaded#error()} with a message an operator can act on, never an exception that
 * escapes into the server's startup.
 *
 * <p>Where the libraries come from, in order: the directory given to {@link #load(Path)} (the GPU
 * image sets it), JavaCPP's platform resources on the class path (the jar built with
 * {@code -Dtrtllm.native=real}; in tests, the mock in {@code target/test-classes}), then
 * {@code java.library.path}. The vendor libraries (TensorRT-LLM, TensorRT, CUDA, MPI) are never
 * bundled: the real shim finds them through its RPATH ({@code /app/tensorrt_llm/lib}) and the
 * dynamic linker, as the pinned release image arranges.
 */
public final class ShimLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(ShimLibrary.class);

    /** The pinned TensorRT-LLM release (see native/trtllm/README.md). */
    public static final String PINNED_IMAGE = "nvcr.io/nvidia/tensorrt-llm/release:1.2.x";

    /**
     * The outcome of the one load attempt of this JVM.
     *
     * @param error    null when loaded; else what failed and what to do
     * @param mock     the loaded shim is the CPU test double
     * @param version  the shim's version string ({@code TensorRT-LLM x.y.z} or {@code mock 1})
     * @param location the file JavaCPP loaded the JNI glue from (diagnostics)
     */
    public record Loaded(String error, boolean mock, String version, String location) {
        public boolean ok() {
            return error == null;
        }
    }

    private static Loaded loaded;
    private static Path loadedFrom;

    private ShimLibrary() {
    }

    /**
     * Loads the shim (once; later calls return the first outcome). A different {@code nativeDir}
     * on a later call cannot reload native code into this JVM: it is logged and ignored.
     */
    public static synchronized Loaded load(Path nativeDir) {
        if (loaded != null) {
            if (nativeDir != null && !nativeDir.equals(loadedFrom)) {
                LOG.warn("TensorRT-LLM shim already loaded from {}; ignoring native dir {}", loadedFrom, nativeDir);
            }
            return loaded;
        }
        loadedFrom = nativeDir;
        loaded = tryLoad(nativeDir);
        if (loaded.ok()) {
            LOG.info("TensorRT-LLM shim loaded: {} ({})", loaded.version(), loaded.location());
        } else {
            LOG.debug("TensorRT-LLM shim not loaded: {}", loaded.error());
        }
        return loaded;
    }

    private static Loaded tryLoad(Path nativeDir) {
        if (nativeDir != null && !Files.isDirectory(nativeDir)) {
            return failure("native library directory " + nativeDir + " does not exist");
        }
        String os = System.getProperty("os.name", "") + "/" + System.getProperty("os.arch", "");
        boolean linux = os.toLowerCase(java.util.Locale.ROOT).startsWith("linux/");
        if (!linux || !os.endsWith("amd64") && !os.endsWith("x86_64")) {
            return failure("the TensorRT-LLM engine runs on linux-x86_64 only (this is " + os + ")");
        }
        String location;
        try {
            Properties p = Loader.loadProperties();
            boolean pathsFirst = false;
            if (nativeDir != null) {
                p.setProperty("platform.preloadpath", nativeDir.toAbsolutePath().toString());
                pathsFirst = true;
            }
            location = Loader.load(TrtllmShim.class, p, pathsFirst);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError | SecurityException e) {
            return failure(describe(e));
        }
        try {
            int abi = TrtllmShim.tls_abi_version();
            if (abi != TrtllmShim.ABI_VERSION) {
                return failure("libtrtllm_shim.so has ABI " + abi + " but this build expects " + TrtllmShim.ABI_VERSION
                        + ": rebuild the shim and the JNI glue together (mvn -Dtrtllm.native=real package)");
            }
            boolean mock = TrtllmShim.tls_is_mock() == 1;
            return new Loaded(null, mock, TrtllmShim.tls_version().getString(), location);
        } catch (UnsatisfiedLinkError e) {
            return failure("the JNI glue loaded but a shim function is missing (" + e.getMessage()
                    + "): libjniTrtllmShim.so and libtrtllm_shim.so come from different builds");
        }
    }

    private static Loaded failure(String error) {
        return new Loaded(error, false, null, null);
    }

    /** An operator-facing explanation of a load failure: which library, and where it should come from. */
    static String describe(Throwable e) {
        String msg = String.valueOf(e.getMessage());
        Throwable cause = e.getCause();
        while (cause != null && cause != cause.getCause()) {
            msg += "; " + cause.getMessage();
            cause = cause.getCause();
        }
        String which;
        if (msg.contains("libtensorrt_llm") || msg.contains("libnvinfer") || msg.contains("libcuda")
                || msg.contains("libcudart") || msg.contains("libmpi") || msg.contains("libnccl")) {
            which = "a TensorRT-LLM/CUDA/MPI library the shim needs is missing";
        } else if (msg.contains("trtllm_shim") || msg.contains("jniTrtllmShim") || msg.contains("no jni")) {
            which = "this build contains no TensorRT-LLM shim (libtrtllm_shim.so / libjniTrtllmShim.so)";
        } else {
            which = "the TensorRT-LLM shim could not be loaded";
        }
        return which + " (" + e.getClass().getSimpleName() + ": " + msg + "). Run inside " + PINNED_IMAGE
                + " (the Dockerfile's gpu target builds the shim there with mvn -Dtrtllm.native=real package),"
                + " or put /app/tensorrt_llm/lib on LD_LIBRARY_PATH and point --trtllm-native-dir at the shim";
    }
}
