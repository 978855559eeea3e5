package dev.llmstream.frontend;

import java.util.List;

/**
 * Finds stop strings in streamed text without ever releasing one. Text arrives in pieces (one per
 * token or step); a stop string may straddle pieces, so the longest tail of the unreleased text that
 * is a prefix of some stop string is held back until the next piece decides it. When a stop string
 * completes, only the text before it is released and the matcher is done: neither the stop string
 * nor anything after it is ever streamed (OpenAI: "the returned text will not contain the stop
 * sequence").
 *
 * <p>One instance per choice; not thread-safe. Cost per piece is O(held + piece) x stop strings.
 */
public final class StopStringMatcher {
    private final String[] stops;
    private final int longest;
    private final StringBuilder held = new StringBuilder();
    private boolean matched;

    public StopStringMatcher(List<String> stops) {
        this.stops = stops.toArray(String[]::new);
        int max = 0;
        for (String s : this.stops) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty stop string");
            }
            max = Math.max(max, s.length());
        }
        this.longest = max;
    }

    /** True once a stop string was found; later input is ignored. */
    public boolean matched() {
        return matched;
    }

    /** True when there are stop strings to look for (else {@link #accept} returns its input). */
    public boolean active() {
        return stops.length > 0;
    }

    /** Adds a piece of text; returns the text that can be released now ("" if none). */
    public String accept(String piece) {
        if (matched || piece.isEmpty()) {
            return "";
        }
        if (stops.length == 0) {
            return piece;
        }
        int searchFrom = Math.max(0, held.length() - longest + 1);
        held.append(piece);
        int at = firstMatch(searchFrom);
        if (at >= 0) {
            matched = true;
            String out = held.substring(0, at);
            held.setLength(0);
            return out;
        }
        int keep = heldBackLength();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** End of generation: the held-back tail was not a stop string after all; release it. */
    public String finish() {
        if (matched) {
            return "";
        }
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    /** Earliest start of any stop string in {@code held} at or after {@code from}, or -1. */
    private int firstMatch(int from) {
        int best = -1;
        for (String s : stops) {
            int i = held.indexOf(s, from);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /** Length of the longest suffix of {@code held} that is a proper prefix of a stop string. */
    private int heldBackLength() {
        int max = Math.min(held.length(), longest - 1);
        for (int len = max; len > 0; len--) {
            int start = held.length() - len;
            for (String s : stops) {
                if (s.length() > len && regionEquals(start, s, len)) {
                    return len;
                }
            }
        }
        return 0;
    }

    private boolean regionEquals(int start, String s, int len) {
        for (int i = 0; i < len; i++) {
            if (held.charAt(start + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
