package dev.llmstream.bench.workload;

/**
 * Fallback when neither the server nor a local file can tokenize: one token per whitespace-separated
 * word. The random prompts are built from short, common English words (see {@link RandomText}), which
 * modern vocabularies hold as single tokens with their leading space, so the estimate is close for them
 * and rough for anything else. Reports say the counts are approximate, and per-request input tokens come
 * from the server's {@code usage.prompt_tokens} whenever it sends usage.
 */
public final class WordTokenCounter implements TokenCounter {

    @Override
    public int count(String text) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean ws = Character.isWhitespace(text.charAt(i));
            if (!ws && !inWord) {
                n++;
            }
            inWord = !ws;
        }
        return n;
    }

    @Override
    public Method method() {
        return Method.WORDS_APPROX;
    }
}
