package dev.llmstream.engine.trtllm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java constants that mirror trtllm_shim.h, checked against the header itself: a change on one
 * side without the other fails here, not as garbled records on a GPU.
 */
class TrtllmShimHeaderTest {
    private static final Map<String, Long> DEFINES = new HashMap<>();

    @BeforeAll
    static void readHeader() throws Exception {
        String h = Files.readString(Path.of("native", "trtllm", "include", "trtllm_shim.h"));
        Matcher m = Pattern.compile("#define (\\w+) (\\d+)u?\\b").matcher(h);
        while (m.find()) {
            DEFINES.put(m.group(1), Long.parseLong(m.group(2)));
        }
    }

    private static long define(String name) {
        assertThat(DEFINES).containsKey(name);
        return DEFINES.get(name);
    }

    @Test
    void abiAndRecordLayout() {
        assertThat(define("TRTLLM_SHIM_ABI_VERSION")).isEqualTo(TrtllmShim.ABI_VERSION);
        assertThat(define("TLS_RECORD_HEADER_BYTES")).isEqualTo(PollBufferDecoder.HEADER_BYTES);
        assertThat(define("TLS_RECORD_MAX_ERROR_BYTES")).isEqualTo(PollBufferDecoder.MAX_ERROR_BYTES);
        assertThat(define("TLS_RECORD_FINAL")).isEqualTo(PollRecord.FINAL);
        assertThat(define("TLS_RECORD_SEQUENCE_FINAL")).isEqualTo(PollRecord.SEQUENCE_FINAL);
        assertThat(define("TLS_RECORD_ERROR")).isEqualTo(PollRecord.ERROR);
        assertThat(define("TLS_RECORD_PERF")).isEqualTo(PollRecord.PERF);
        assertThat(define("TLS_RECORD_LOGPROBS")).isEqualTo(PollRecord.LOGPROBS);
    }

    @Test
    void finishReasonsErrorCodesAndBits() {
        assertThat(define("TLS_FINISH_END_ID")).isEqualTo(PollRecord.FINISH_END_ID);
        assertThat(define("TLS_FINISH_STOP_WORDS")).isEqualTo(PollRecord.FINISH_STOP_WORDS);
        assertThat(define("TLS_FINISH_LENGTH")).isEqualTo(PollRecord.FINISH_LENGTH);
        assertThat(define("TLS_FINISH_TIMED_OUT")).isEqualTo(PollRecord.FINISH_TIMED_OUT);
        assertThat(define("TLS_FINISH_CANCELLED")).isEqualTo(PollRecord.FINISH_CANCELLED);
        assertThat(define("TLS_ERR_QUEUE_FULL")).isEqualTo(ShimCallException.QUEUE_FULL);
        assertThat(define("TLS_ERR_SHUT_DOWN")).isEqualTo(ShimCallException.SHUT_DOWN);
        assertThat(define("TLS_ERR_BUFFER_TOO_SMALL")).isEqualTo(ShimCallException.BUFFER_TOO_SMALL);
        assertThat(define("TLS_ERR_ENGINE_DIR")).isEqualTo(ShimCallException.ENGINE_DIR);
        assertThat(define("TLS_ERR_INTERNAL")).isEqualTo(ShimCallException.INTERNAL);
        assertThat(define("TLS_SAMPLING_TEMPERATURE")).isEqualTo(NativeRequest.TEMPERATURE);
        assertThat(define("TLS_SAMPLING_TOP_K")).isEqualTo(NativeRequest.TOP_K);
        assertThat(define("TLS_SAMPLING_SEED")).isEqualTo(NativeRequest.SEED);
        assertThat(define("TLS_SAMPLING_FREQUENCY_PENALTY")).isEqualTo(NativeRequest.FREQUENCY_PENALTY);
        assertThat(define("TLS_CAP_CACHE_SALT")).isEqualTo(ShimInfo.CAP_CACHE_SALT);
        for (TrtllmConfig.DecodingMode m : TrtllmConfig.DecodingMode.values()) {
            String name = "TLS_DECODING_" + m.name();
            assertThat(define(name)).as(name).isEqualTo(m.code());
        }
    }

    @Test
    void theOffsetTableInTheHeaderCommentMatchesTheDecoder() throws Exception {
        String h = Files.readString(Path.of("native", "trtllm", "include", "trtllm_shim.h"));
        Map<String, Integer> offsets = new HashMap<>();
        Matcher m = Pattern.compile("(\\d+)\\s+(?:u8|u16|u32|u64|i32|i64|f32)\\s+(\\w+)").matcher(h);
        while (m.find()) {
            offsets.put(m.group(2), Integer.parseInt(m.group(1)));
        }
        assertThat(offsets).containsEntry("record_bytes", PollBufferDecoder.OFF_RECORD_BYTES)
                .containsEntry("flags", PollBufferDecoder.OFF_FLAGS)
                .containsEntry("finish_reason", PollBufferDecoder.OFF_FINISH_REASON)
                .containsEntry("request_id", PollBufferDecoder.OFF_REQUEST_ID)
                .containsEntry("client_id", PollBufferDecoder.OFF_CLIENT_ID)
                .containsEntry("num_tokens", PollBufferDecoder.OFF_NUM_TOKENS)
                .containsEntry("error_len", PollBufferDecoder.OFF_ERROR_LEN)
                .containsEntry("arrival_ns", PollBufferDecoder.OFF_ARRIVAL)
                .containsEntry("last_token_ns", PollBufferDecoder.OFF_LAST_TOKEN)
                .containsEntry("kv_missed_blocks", PollBufferDecoder.OFF_KV_MISSED)
                .containsEntry("spec_draft_tokens", PollBufferDecoder.OFF_SPEC_DRAFT);
    }
}
