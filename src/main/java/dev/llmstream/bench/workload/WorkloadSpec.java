package dev.llmstream.bench.workload;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Which prompts a run sends.
 *
 * @param kind generator or file
 * @param file JSONL file for {@link Kind#FILE}, else null
 * @param inputLen prompt tokens ({@link Kind#RANDOM}; suffix after the prefix for {@link Kind#SHARED_PREFIX};
 *     the code or passage size for {@link Kind#EDIT})
 * @param outputLen {@code max_tokens} per request (files may set their own per line)
 * @param prefixLen shared prefix tokens ({@link Kind#SHARED_PREFIX})
 * @param numPrefixes distinct prefixes; request {@code i} uses prefix {@code i mod numPrefixes}
 */
public record WorkloadSpec(Kind kind, Path file, TokenRange inputLen, TokenRange outputLen, int prefixLen,
                           int numPrefixes) {

    /** Built-in generators and files. */
    public enum Kind {
        /** Random words sized to an exact token count (vLLM {@code random}, guidellm synthetic). */
        RANDOM("random"),
        /** N prompts sharing a long system prompt: prefix-cache TTFT (vLLM {@code prefix_repetition}). */
        SHARED_PREFIX("shared-prefix"),
        /** Repetitive edit tasks whose answer copies much of the prompt: speculative decoding. */
        EDIT("edit"),
        /** A JSONL workload file (see {@link JsonlWorkload}). */
        FILE("file");

        private final String cliName;

        Kind(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }
    }

    public WorkloadSpec {
        if (kind == null || inputLen == null || outputLen == null) {
            throw new IllegalArgumentException("kind, inputLen and outputLen are required");
        }
        if (kind == Kind.FILE && file == null) {
            throw new IllegalArgumentException("a file workload needs a file");
        }
        if (kind == Kind.SHARED_PREFIX && (prefixLen < 1 || numPrefixes < 1)) {
            throw new IllegalArgumentException("shared-prefix needs prefixLen >= 1 and numPrefixes >= 1, got "
                    + prefixLen + " and " + numPrefixes);
        }
    }

    /** Random prompts of {@code input} tokens asking for {@code output} tokens. */
    public static WorkloadSpec random(int input, int output) {
        return new WorkloadSpec(Kind.RANDOM, null, TokenRange.fixed(input), TokenRange.fixed(output), 0, 0);
    }

    /**
     * A built-in name ({@code random}, {@code shared-prefix}, {@code edit}) or else the path of a JSONL file.
     */
    public static WorkloadSpec parse(String nameOrFile, TokenRange inputLen, TokenRange outputLen, int prefixLen,
                                     int numPrefixes) {
        String n = nameOrFile.strip().toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            if (k != Kind.FILE && k.cliName.equals(n)) {
                return new WorkloadSpec(k, null, inputLen, outputLen, prefixLen, numPrefixes);
            }
        }
        return new WorkloadSpec(Kind.FILE, Path.of(nameOrFile.strip()), inputLen, outputLen, prefixLen, numPrefixes);
    }

    public WorkloadSpec withInputLen(TokenRange in) {
        return new WorkloadSpec(kind, file, in, outputLen, prefixLen, numPrefixes);
    }

    public WorkloadSpec withOutputLen(TokenRange out) {
        return new WorkloadSpec(kind, file, inputLen, out, prefixLen, numPrefixes);
    }

    /** One line for reports. */
    public String describe() {
        return switch (kind) {
            case RANDOM -> "random, input " + inputLen + " tokens, output " + outputLen;
            case SHARED_PREFIX -> "shared-prefix, " + numPrefixes + " prefix(es) of " + prefixLen + " tokens + input "
                    + inputLen + ", output " + outputLen;
            case EDIT -> "edit (code rename / quote passage), input ~" + inputLen + ", output " + outputLen;
            case FILE -> "file " + file;
        };
    }
}
