package dev.llmstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.RequestMetrics;
import dev.llmstream.engine.SpeculationParams;
import dev.llmstream.engine.TokenLogprobs;
import dev.llmstream.frontend.ModelText;
import dev.llmstream.frontend.template.ChatMessagesJson;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code llmstream generate}: offline generation through the same engine the server uses — one prompt
 * (text or JSON with ids, first-step probabilities and timings), or a JSONL file of prompts run
 * concurrently with continuous batching ({@link BatchGenerate}).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text offline with the CPU engine (the quickest correctness check).")
public final class GenerateCommand implements Callable<Integer> {

    static final class Input {
        @Option(names = {"-p", "--prompt"}, description = "prompt text (tokenized with BOS and special tokens)")
        String prompt;

        @Option(names = "--messages", description = "JSON file with OpenAI-style chat messages (rendered by the chat template)")
        Path messages;

        @Option(names = "--prompts", description = "JSONL file: one {\"prompt\"|\"messages\", sampling fields...} per line")
        Path prompts;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Mixin
    EngineOptions engineOptions;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--json", description = "print JSON (ids, text, finish reason, first-step top-K, timings)")
    boolean json;

    @Option(names = "--concurrency", defaultValue = "8", description = "requests in flight with --prompts (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        try (EngineOptions.Loaded loaded = engineOptions.start()) {
            if (input.prompts != null) {
                return new BatchGenerate(loaded, sampling, concurrency).run(input.prompts, System.out);
            }
            return single(loaded, System.out);
        }
    }

    private int single(EngineOptions.Loaded loaded, PrintStream out) throws Exception {
        ModelText text = loaded.text();
        int[] prompt = input.messages != null
                ? text.encodeChat(ChatMessagesJson.parse(Files.readString(input.messages)), Map.of())
                : text.encodePrompt(input.prompt);
        EngineRequest req = new EngineRequest("generate-1", prompt, sampling.params(), sampling.maxTokens, 0, null,
                sampling.ignoreEos, 0, SpeculationParams.DEFAULT, 0L, System.nanoTime());
        CompletionCollector c = new CompletionCollector(text);
        loaded.engine().submit(req, c);
        EngineOutput last = c.await();
        if (!json) {
            out.println(c.text());
            return last.finishReason() == dev.llmstream.engine.FinishReason.ERROR ? 1 : 0;
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        o.set("prompt_ids", ints(om, prompt));
        o.set("output_ids", ints(om, c.tokens()));
        o.put("output_text", c.text());
        o.put("finish_reason", CompletionCollector.finishReason(last));
        ArrayNode top = o.putArray("first_step_top");
        TokenLogprobs first = c.firstLogprobs();
        if (first != null) {
            for (int i = 0; i < first.topIds().length; i++) {
                top.addArray().add(first.topIds()[i]).add(Math.exp(first.topLogprobs()[i]));
            }
        }
        o.set("timings", timings(om, last.metrics()));
        ObjectNode spec = o.putObject("speculative");
        spec.put("drafted", last.metrics().draftedTokens());
        spec.put("accepted", last.metrics().acceptedTokens());
        out.println(om.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        return 0;
    }

    static ArrayNode ints(ObjectMapper om, int[] a) {
        ArrayNode n = om.createArrayNode();
        for (int v : a) {
            n.add(v);
        }
        return n;
    }

    /** Prefill = first scheduling → first token; decode counts the tokens after the first. */
    static ObjectNode timings(ObjectMapper om, RequestMetrics m) {
        ObjectNode t = om.createObjectNode();
        double prefillMs = m.prefillNanos() / 1e6;
        int decodeTokens = Math.max(0, m.outputTokens() - 1);
        double decodeMs = m.decodeNanos() / 1e6;
        t.put("prompt_tokens", m.promptTokens());
        t.put("cached_prompt_tokens", m.cachedPromptTokens());
        t.put("prefill_ms", round(prefillMs));
        t.put("prefill_tok_s", round(prefillMs > 0 ? (m.promptTokens() - m.cachedPromptTokens()) / (prefillMs / 1e3) : 0));
        t.put("decode_tokens", decodeTokens);
        t.put("decode_ms", round(decodeMs));
        t.put("decode_tok_s", round(decodeMs > 0 ? decodeTokens / (decodeMs / 1e3) : 0));
        t.put("ttft_ms", round(m.ttftNanos() / 1e6));
        return t;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
