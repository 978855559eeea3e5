package dev.llmstream.gguf;

/**
 * A GGUF file that cannot be read: bad magic, unsupported version, truncated data, absurd counts or
 * lengths, unknown types, tensor data outside the file. The message always names the byte offset
 * and the field being read, so a user can see where a file is broken.
 */
public final class GgufFormatException extends RuntimeException {
    private final long offset;
    private final String field;

    public GgufFormatException(long offset, String field, String problem) {
        super("GGUF: " + problem + " (field '" + field + "'"
                + (offset >= 0 ? " at byte offset " + offset : "") + ")");
        this.offset = offset;
        this.field = field;
    }

    /** Byte offset in the file where the problem was found, -1 for a metadata-level problem. */
    public long offset() {
        return offset;
    }

    /** The header field being read (e.g. {@code metadata[3].value}, {@code tensor[12].type}). */
    public String field() {
        return field;
    }
}
