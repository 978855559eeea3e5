package dev.llmstream.tokenizer;

/**
 * Per-token attribute bits, as llama.cpp keeps them ({@code llama_token_attr}). A GGUF stores one
 * token <em>type</em> per token ({@code tokenizer.ggml.token_type}); loading turns it into one of
 * these bits, and llama.cpp's special-token heuristics then add bits (CONTROL on tokens that end
 * generation, RSTRIP on Phi-3's chat tokens, ...), which is why attributes and not types drive the
 * tokenizer.
 */
final class TokenAttr {
    static final int UNDEFINED = 0;
    static final int UNKNOWN = 1;
    static final int UNUSED = 1 << 1;
    static final int NORMAL = 1 << 2;
    static final int CONTROL = 1 << 3;
    static final int USER_DEFINED = 1 << 4;
    static final int BYTE = 1 << 5;
    /** Swallow whitespace before the token when splitting text on special tokens. */
    static final int LSTRIP = 1 << 7;
    /** Swallow whitespace after the token when splitting text on special tokens. */
    static final int RSTRIP = 1 << 8;

    /** Tokens that special-token splitting looks for (with parse_special only CONTROL/UNKNOWN). */
    static final int SPECIAL_SPLIT = CONTROL | USER_DEFINED | UNKNOWN;
    /** Tokens rendered only when special tokens are asked for. */
    static final int RENDERED_ONLY_IF_SPECIAL = CONTROL | UNKNOWN;

    private TokenAttr() {}

    /**
     * The attribute of a GGUF token type: 1 normal, 2 unknown, 3 control, 4 user-defined,
     * 5 unused, 6 byte; 0 and anything else are undefined.
     */
    static int fromTokenType(int type) {
        return switch (type) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> UNDEFINED;
        };
    }
}
