package dev.llmstream.engine.trtllm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes poll records in the shim's layout, for decoder tests on synthetic buffers. */
final class PollRecordWriter {
    private final ByteBuffer buf;

    PollRecordWriter(int capacity) {
        buf = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    PollRecordWriter add(PollRecord r) {
        byte[] err = r.error() == null ? new byte[0] : r.error().getBytes(StandardCharsets.UTF_8);
        int n = r.tokens().length;
        boolean lp = r.logprobs() != null;
        int flags = r.flags() | (lp ? PollRecord.LOGPROBS : 0);
        int size = PollBufferDecoder.HEADER_BYTES + n * 4 * (lp ? 2 : 1) + err.length;
        size = (size + 7) & ~7;
        int start = buf.position();
        buf.putInt(start, size);
        buf.putShort(start + 4, (short) flags);
        buf.put(start + 6, (byte) r.finishReason());
        buf.putLong(start + 8, r.requestId());
        buf.putLong(start + 16, r.clientId());
        buf.putInt(start + 24, r.sequenceIndex());
        buf.putInt(start + 28, r.decodingIterations());
        buf.putInt(start + 32, n);
        buf.putInt(start + 36, err.length);
        PerfBlock p = r.perf();
        buf.putLong(start + 40, p.arrivalNs());
        buf.putLong(start + 48, p.firstScheduledNs());
        buf.putLong(start + 56, p.firstTokenNs());
        buf.putLong(start + 64, p.lastTokenNs());
        buf.putInt(start + 72, p.kvTotalBlocks());
        buf.putInt(start + 76, p.kvNewBlocks());
        buf.putInt(start + 80, p.kvReusedBlocks());
        buf.putInt(start + 84, p.kvMissedBlocks());
        buf.putFloat(start + 88, p.kvHitRate());
        buf.putFloat(start + 92, p.specAcceptanceRate());
        buf.putInt(start + 96, p.specAcceptedTokens());
        buf.putInt(start + 100, p.specDraftTokens());
        int off = start + PollBufferDecoder.HEADER_BYTES;
        for (int t : r.tokens()) {
            buf.putInt(off, t);
            off += 4;
        }
        if (lp) {
            for (float f : r.logprobs()) {
                buf.putFloat(off, f);
                off += 4;
            }
        }
        buf.put(off, err);
        buf.position(start + size);
        return this;
    }

    /** Overwrites a 32-bit field of the record starting at {@code recordOffset}. */
    PollRecordWriter corruptInt(int recordOffset, int field, int value) {
        buf.putInt(recordOffset + field, value);
        return this;
    }

    ByteBuffer buffer() {
        return buf;
    }

    int bytes() {
        return buf.position();
    }
}
