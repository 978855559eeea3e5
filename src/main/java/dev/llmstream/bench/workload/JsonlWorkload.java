package dev.llmstream.bench.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSONL workload file (the format of {@code loadtest/workloads/*.jsonl}): one JSON object per line,
 * blank lines and lines starting with {@code #} or {@code //} skipped.
 *
 * <pre>
 * {"id": "greeting", "prompt": "Say hello.", "output_len": 32}
 * {"id": "chat-1", "messages": [{"role": "system", "content": "..."}, {"role": "user", "content": "..."}],
 *  "output_len": 128, "group": "support-bot"}
 * </pre>
 *
 * <ul>
 *   <li>{@code prompt} (string) or {@code messages} (OpenAI chat messages) — exactly one;</li>
 *   <li>{@code output_len} (alias {@code max_tokens}): tokens to ask for; default the run's
 *       {@code --output-len};</li>
 *   <li>{@code system}: optional shared prefix for a {@code prompt} (sent as a system message);</li>
 *   <li>{@code group}: optional prefix group name (reports split cold/warm TTFT per group);</li>
 *   <li>{@code id}: optional name (default {@code line-N});</li>
 *   <li>{@code input_len}: informational; the prompt is counted with the run's token counter.</li>
 * </ul>
 */
public final class JsonlWorkload {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonlWorkload() {
    }

    /**
     * All prompts of {@code file}.
     *
     * @param defaultOutput {@code max_tokens} for lines without {@code output_len}
     * @throws IOException if the file cannot be read or a line is not a valid workload object (the message
     *     names the line)
     */
    public static List<BenchPrompt> load(Path file, TokenRange defaultOutput, TokenCounter counter,
                                         java.util.random.RandomGenerator random) throws IOException {
        List<BenchPrompt> prompts = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            for (int lineNo = 1; (line = in.readLine()) != null; lineNo++) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#") || t.startsWith("//")) {
                    continue;
                }
                try {
                    prompts.add(parse(JSON.readTree(t), lineNo, defaultOutput, counter, random));
                } catch (JsonProcessingException e) {
                    throw new IOException(file + ":" + lineNo + ": not JSON: " + e.getOriginalMessage(), e);
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ":" + lineNo + ": " + e.getMessage(), e);
                }
            }
        }
        if (prompts.isEmpty()) {
            throw new IOException(file + ": no prompts");
        }
        return prompts;
    }

    private static BenchPrompt parse(JsonNode o, int lineNo, TokenRange defaultOutput, TokenCounter counter,
                                     java.util.random.RandomGenerator random) throws IOException {
        if (!o.isObject()) {
            throw new IllegalArgumentException("each line must be a JSON object");
        }
        String id = o.hasNonNull("id") ? o.get("id").asText() : "line-" + lineNo;
        JsonNode prompt = o.get("prompt");
        JsonNode messages = o.get("messages");
        boolean hasPrompt = prompt != null && !prompt.isNull();
        boolean hasMessages = messages != null && !messages.isNull();
        if (hasPrompt == hasMessages) {
            throw new IllegalArgumentException("needs exactly one of 'prompt' (string) and 'messages' (array)");
        }
        if (hasPrompt && !prompt.isTextual()) {
            throw new IllegalArgumentException("'prompt' must be a string");
        }
        if (hasMessages && (!messages.isArray() || messages.isEmpty())) {
            throw new IllegalArgumentException("'messages' must be a non-empty array");
        }
        int maxTokens = outputLen(o, defaultOutput, random);
        String group = o.hasNonNull("group") ? o.get("group").asText() : null;
        String system = o.hasNonNull("system") ? o.get("system").asText() : null;
        if (hasPrompt) {
            String text = prompt.asText();
            int tokens = counter.count(text) + (system == null ? 0 : counter.count(system));
            return new BenchPrompt(id, system, text, null, tokens, maxTokens, group);
        }
        int tokens = 0;
        for (JsonNode m : messages) {
            if (!m.isObject() || !m.hasNonNull("role")) {
                throw new IllegalArgumentException("each message needs a 'role'");
            }
            tokens += counter.count(BenchPrompt.contentText(m.get("content")));
        }
        return new BenchPrompt(id, null, null, messages, tokens, maxTokens, group);
    }

    private static int outputLen(JsonNode o, TokenRange defaultOutput, java.util.random.RandomGenerator random) {
        JsonNode v = o.hasNonNull("output_len") ? o.get("output_len") : o.get("max_tokens");
        if (v == null || v.isNull()) {
            return defaultOutput.draw(random);
        }
        if (!v.canConvertToInt() || v.asInt() < 1) {
            throw new IllegalArgumentException("'output_len' must be a positive integer");
        }
        return v.asInt();
    }
}
