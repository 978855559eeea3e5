package dev.llmstream.engine.trtllm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Decodes the flat poll buffer {@code tls_poll} fills: a sequence of little-endian, 8-byte aligned
 * records, each a fixed 104-byte header (identity, flags, counts, perf block), then the token ids,
 * then optional float log-probabilities, then UTF-8 error text. The offsets below mirror the table
 * in {@code trtllm_shim.h}; any change there bumps the ABI version this class is checked against.
 *
 * <p>The decoder trusts nothing: a length that points past the batch or a record size that does not
 * cover its payload is a {@link MalformedBufferException}, never an out-of-bounds read.
 */
final class PollBufferDecoder {
    static final int HEADER_BYTES = 104;
    static final int MAX_ERROR_BYTES = 4096;

    static final int OFF_RECORD_BYTES = 0;
    static final int OFF_FLAGS = 4;
    static final int OFF_FINISH_REASON = 6;
    static final int OFF_REQUEST_ID = 8;
    static final int OFF_CLIENT_ID = 16;
    static final int OFF_SEQUENCE_INDEX = 24;
    static final int OFF_DECODING_ITERATIONS = 28;
    static final int OFF_NUM_TOKENS = 32;
    static final int OFF_ERROR_LEN = 36;
    static final int OFF_ARRIVAL = 40;
    static final int OFF_FIRST_SCHEDULED = 48;
    static final int OFF_FIRST_TOKEN = 56;
    static final int OFF_LAST_TOKEN = 64;
    static final int OFF_KV_TOTAL = 72;
    static final int OFF_KV_NEW = 76;
    static final int OFF_KV_REUSED = 80;
    static final int OFF_KV_MISSED = 84;
    static final int OFF_KV_HIT_RATE = 88;
    static final int OFF_SPEC_ACCEPTANCE = 92;
    static final int OFF_SPEC_ACCEPTED = 96;
    static final int OFF_SPEC_DRAFT = 100;

    /** The buffer does not hold what the shim promised: a shim bug or an ABI mismatch. */
    static final class MalformedBufferException extends RuntimeException {
        MalformedBufferException(String message) {
            super(message);
        }
    }

    private PollBufferDecoder() {
    }

    /**
     * Decodes {@code count} records from {@code buffer[0, bytes)} in order.
     *
     * @return the number of records decoded
     */
    static int decode(ByteBuffer buffer, long bytes, int count, Consumer<PollRecord> sink) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (bytes < 0 || bytes > b.capacity()) {
            throw new MalformedBufferException("poll result of " + bytes + " bytes exceeds the buffer of "
                    + b.capacity());
        }
        int limit = (int) bytes;
        int off = 0;
        for (int i = 0; i < count; i++) {
            if (limit - off < HEADER_BYTES) {
                throw new MalformedBufferException("record " + i + " at " + off + " is cut off (" + limit + " bytes)");
            }
            long size = Integer.toUnsignedLong(b.getInt(off + OFF_RECORD_BYTES));
            if (size < HEADER_BYTES || size > limit - off || (size & 7) != 0) {
                throw new MalformedBufferException("record " + i + " at " + off + " has a bad size " + size);
            }
            sink.accept(decodeRecord(b, off, (int) size));
            off += (int) size;
        }
        return count;
    }

    private static PollRecord decodeRecord(ByteBuffer b, int off, int size) {
        int flags = Short.toUnsignedInt(b.getShort(off + OFF_FLAGS));
        int finish = Byte.toUnsignedInt(b.get(off + OFF_FINISH_REASON));
        long numTokens = Integer.toUnsignedLong(b.getInt(off + OFF_NUM_TOKENS));
        long errorLen = Integer.toUnsignedLong(b.getInt(off + OFF_ERROR_LEN));
        boolean logprobs = (flags & PollRecord.LOGPROBS) != 0;
        long payload = numTokens * 4 * (logprobs ? 2 : 1) + errorLen;
        if (errorLen > MAX_ERROR_BYTES || HEADER_BYTES + payload > size) {
            throw new MalformedBufferException("record at " + off + " declares " + numTokens + " tokens and "
                    + errorLen + " error bytes, more than its " + size + " bytes");
        }
        int n = (int) numTokens;
        int p = off + HEADER_BYTES;
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++, p += 4) {
            tokens[i] = b.getInt(p);
        }
        float[] lp = null;
        if (logprobs) {
            lp = new float[n];
            for (int i = 0; i < n; i++, p += 4) {
                lp[i] = b.getFloat(p);
            }
        }
        String error = null;
        if ((flags & PollRecord.ERROR) != 0 || errorLen > 0) {
            byte[] text = new byte[(int) errorLen];
            b.get(p, text);
            error = new String(text, StandardCharsets.UTF_8);
        }
        PerfBlock perf = new PerfBlock(b.getLong(off + OFF_ARRIVAL), b.getLong(off + OFF_FIRST_SCHEDULED),
                b.getLong(off + OFF_FIRST_TOKEN), b.getLong(off + OFF_LAST_TOKEN), b.getInt(off + OFF_KV_TOTAL),
                b.getInt(off + OFF_KV_NEW), b.getInt(off + OFF_KV_REUSED), b.getInt(off + OFF_KV_MISSED),
                b.getFloat(off + OFF_KV_HIT_RATE), b.getFloat(off + OFF_SPEC_ACCEPTANCE),
                b.getInt(off + OFF_SPEC_ACCEPTED), b.getInt(off + OFF_SPEC_DRAFT));
        return new PollRecord(b.getLong(off + OFF_REQUEST_ID), b.getLong(off + OFF_CLIENT_ID), flags, finish,
                b.getInt(off + OFF_SEQUENCE_INDEX), b.getInt(off + OFF_DECODING_ITERATIONS), tokens, lp, error,
                (flags & PollRecord.PERF) != 0 ? perf : PerfBlock.NONE);
    }
}
