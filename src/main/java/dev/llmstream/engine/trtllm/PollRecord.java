package dev.llmstream.engine.trtllm;

/**
 * One response record of a poll batch, decoded (see {@link PollBufferDecoder} for the layout).
 *
 * @param requestId          the Executor's request id
 * @param clientId           our correlation id
 * @param flags              {@code TLS_RECORD_*} bits
 * @param finishReason       {@code TLS_FINISH_*}
 * @param sequenceIndex      which return sequence (0 with n = 1)
 * @param decodingIterations iterations spent on the request so far
 * @param tokens             the new token ids of this record
 * @param logprobs           one per token, or null
 * @param error              the error text when {@link #hasError()}, else null
 * @param perf               cumulative per-request metrics (meaningful when {@link #hasPerf()})
 */
record PollRecord(long requestId, long clientId, int flags, int finishReason, int sequenceIndex, int decodingIterations,
                  int[] tokens, float[] logprobs, String error, PerfBlock perf) {

    static final int FINAL = 1;
    static final int SEQUENCE_FINAL = 2;
    static final int ERROR = 4;
    static final int PERF = 8;
    static final int LOGPROBS = 16;

    static final int FINISH_NOT_FINISHED = 0;
    static final int FINISH_END_ID = 1;
    static final int FINISH_STOP_WORDS = 2;
    static final int FINISH_LENGTH = 3;
    static final int FINISH_TIMED_OUT = 4;
    static final int FINISH_CANCELLED = 5;

    boolean isFinal() {
        return (flags & FINAL) != 0;
    }

    boolean hasError() {
        return (flags & ERROR) != 0;
    }

    boolean hasPerf() {
        return (flags & PERF) != 0;
    }
}
