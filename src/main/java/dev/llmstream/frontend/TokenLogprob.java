package dev.llmstream.frontend;

import java.util.List;

/**
 * The log-probability of one generated token in text form, ready for either OpenAI shape (chat's
 * {@code logprobs.content[]} or completions' parallel arrays).
 *
 * @param token      the token's text (its UTF-8 bytes decoded leniently: a token holding part of a
 *                   character shows U+FFFD, which is why {@code bytes} is sent too)
 * @param bytes      the token's exact bytes
 * @param logprob    natural log-probability over the full vocabulary
 * @param textOffset where the token starts in the choice's text (completions' {@code text_offset})
 * @param top        most likely alternatives at this position, best first
 */
public record TokenLogprob(String token, byte[] bytes, double logprob, int textOffset, List<Alternative> top) {

    public record Alternative(String token, byte[] bytes, double logprob) {}
}
