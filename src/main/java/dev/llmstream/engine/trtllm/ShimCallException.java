package dev.llmstream.engine.trtllm;

/**
 * A {@code tls_error} returned by a shim call, as a Java exception inside this package only. It
 * never reaches {@code InferenceEngine} callers: {@link TrtllmEngine} turns it into an
 * {@code EngineException} or into a final output carrying the message.
 */
final class ShimCallException extends RuntimeException {
    static final int INVALID_ARGUMENT = 1;
    static final int ENGINE_DIR = 2;
    static final int VERSION = 3;
    static final int OUT_OF_MEMORY = 4;
    static final int MPI = 5;
    static final int QUEUE_FULL = 6;
    static final int SHUT_DOWN = 7;
    static final int BUFFER_TOO_SMALL = 8;
    static final int CUDA = 9;
    static final int INTERNAL = 10;

    private final int code;

    ShimCallException(int code, String message) {
        super(message);
        this.code = code;
    }

    int code() {
        return code;
    }

    /** A short name for the code, for messages and logs. */
    static String codeName(int code) {
        return switch (code) {
            case INVALID_ARGUMENT -> "invalid argument";
            case ENGINE_DIR -> "bad engine directory";
            case VERSION -> "version mismatch";
            case OUT_OF_MEMORY -> "out of memory";
            case MPI -> "MPI initialisation failed";
            case QUEUE_FULL -> "queue full";
            case SHUT_DOWN -> "engine shut down";
            case BUFFER_TOO_SMALL -> "poll buffer too small";
            case CUDA -> "CUDA unavailable";
            case INTERNAL -> "internal error";
            default -> "error " + code;
        };
    }

    /** What an operator should read when engine creation fails with this code. */
    String startupMessage() {
        String hint = switch (code) {
            case ENGINE_DIR -> " (pass the trtllm-build output directory: config.json + rank0.engine)";
            case VERSION -> " (rebuild the engine with the TensorRT-LLM of " + ShimLibrary.PINNED_IMAGE
                    + ", or rebuild the shim and JNI glue together)";
            case OUT_OF_MEMORY -> " (lower --trtllm-kv-fraction or max batch size / tokens)";
            case MPI -> " (the image's OpenMPI must be present; run with --ipc=host)";
            case CUDA -> " (run with --gpus all on a host with the NVIDIA driver)";
            default -> "";
        };
        return "TensorRT-LLM engine failed to start: " + codeName(code) + ": " + getMessage() + hint;
    }
}
