package dev.llmstream.bench.workload;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Edit tasks whose right answer repeats most of the prompt, the case prompt-lookup (n-gram) and draft-model
 * speculative decoding are built for. Two kinds alternate:
 *
 * <ul>
 *   <li>code refactor: a generated Java class and "rename identifier X to Y, reply with the complete
 *       code" — the answer is the prompt's code with one name changed;</li>
 *   <li>summarize with quotes: a generated passage and "summarize it, then quote word for word every
 *       sentence containing K" — much of the answer is copied sentences.</li>
 * </ul>
 *
 * The code or passage is grown unit by unit (methods, sentences) to about the requested prompt tokens;
 * the count is measured, not forced (no filler inside code).
 */
final class EditTasks {
    private EditTasks() {
    }

    static BenchPrompt build(String id, int index, RandomGenerator random, int targetTokens, int maxTokens,
                             PromptSizer sizer) throws IOException {
        return index % 2 == 0
                ? codeRefactor(id, random, targetTokens, maxTokens, sizer)
                : quotePassage(id, random, targetTokens, maxTokens, sizer);
    }

    private static BenchPrompt codeRefactor(String id, RandomGenerator r, int target, int maxTokens, PromptSizer sizer)
            throws IOException {
        String cls = capitalize(RandomText.identifier(r));
        String field = RandomText.identifier(r);
        String renamed = RandomText.identifier(r) + "Value";
        int maxUnits = target / 16 + 4;
        List<String> methods = new ArrayList<>(maxUnits);
        for (int i = 0; i < maxUnits; i++) {
            methods.add(method(r, field));
        }
        String instruction = "Rename the field `" + field + "` to `" + renamed + "` everywhere in the Java class below."
                + " Do not change anything else. Reply with the complete updated class and nothing else.\n\n";
        PromptSizer.Units units = k -> {
            StringBuilder sb = new StringBuilder(instruction).append("```java\npublic class ").append(cls)
                    .append(" {\n    private int ").append(field).append(";\n");
            for (int i = 0; i < k; i++) {
                sb.append('\n').append(methods.get(i));
            }
            return sb.append("}\n```").toString();
        };
        PromptSizer.Sized s = sizer.fit(target, units, maxUnits, false);
        return BenchPrompt.text(id, s.text(), s.tokens(), maxTokens);
    }

    private static String method(RandomGenerator r, String field) {
        String name = RandomText.identifier(r);
        int a = 2 + r.nextInt(97);
        int b = 2 + r.nextInt(9);
        return switch (r.nextInt(4)) {
            case 0 -> String.format(Locale.ROOT, """
                        public int %s(int[] values) {
                            int total = %s;
                            for (int i = 0; i < values.length; i++) {
                                if (values[i] > %d) {
                                    total += values[i] * %d;
                                }
                            }
                            return total;
                        }
                    """, name, field, a, b);
            case 1 -> String.format(Locale.ROOT, """
                        public void %s(int amount) {
                            if (amount < %d) {
                                %s = %s + amount;
                            } else {
                                %s = Math.max(%s - %d, 0);
                            }
                        }
                    """, name, a, field, field, field, field, b);
            case 2 -> String.format(Locale.ROOT, """
                        public boolean %s(int limit) {
                            return %s > limit && %s %% %d != 0;
                        }
                    """, name, field, field, b);
            default -> String.format(Locale.ROOT, """
                        public String %s() {
                            return "%s " + %s + " %s";
                        }
                    """, name, RandomText.word(r), field, RandomText.word(r));
        };
    }

    private static BenchPrompt quotePassage(String id, RandomGenerator r, int target, int maxTokens, PromptSizer sizer)
            throws IOException {
        String keyword = RandomText.word(r) + "stone";
        int maxUnits = target / 6 + 4;
        List<String> sentences = new ArrayList<>(maxUnits);
        for (int i = 0; i < maxUnits; i++) {
            int n = 8 + r.nextInt(7);
            String[] words = RandomText.wordArray(r, n);
            if (i % 3 == 0) {
                words[r.nextInt(n)] = keyword;
            }
            sentences.add(capitalize(String.join(" ", words)) + ".");
        }
        String instruction = "Summarize the passage below in two sentences. Then quote, word for word and each in"
                + " double quotes on its own line, every sentence of the passage that contains the word \""
                + keyword + "\".\n\nPassage:\n";
        PromptSizer.Units units = k -> instruction + String.join(" ", sentences.subList(0, k));
        PromptSizer.Sized s = sizer.fit(target, units, maxUnits, false);
        return BenchPrompt.text(id, s.text(), s.tokens(), maxTokens);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
