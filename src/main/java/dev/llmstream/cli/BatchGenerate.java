package dev.llmstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.RequestMetrics;
import dev.llmstream.engine.SamplingParams;
import dev.llmstream.engine.SpeculationParams;
import dev.llmstream.frontend.ModelText;
import dev.llmstream.frontend.template.ChatMessagesJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Offline batch mode of {@code generate}: every JSONL line ({@code {"prompt": ...}} or
 * {@code {"messages": [...]}} plus optional {@code max_tokens}, {@code temperature}, {@code top_p},
 * {@code top_k}, {@code min_p}, {@code seed}, {@code ignore_eos}; {@code output_len} as in bench
 * workload files is read as {@code max_tokens}) becomes an engine request; at most
 * {@code concurrency} are in flight, so the engine batches them continuously. Results are printed one
 * JSON line per prompt in input order, then one {@code {"aggregate": ...}} line. Blank lines and lines
 * starting with {@code #} are skipped.
 */
final class BatchGenerate {
    private final EngineOptions.Loaded loaded;
    private final SamplingOptions defaults;
    private final int concurrency;
    private final ObjectMapper om = new ObjectMapper();

    BatchGenerate(EngineOptions.Loaded loaded, SamplingOptions defaults, int concurrency) {
        this.loaded = loaded;
        this.defaults = defaults;
        this.concurrency = Math.max(1, concurrency);
    }

    int run(Path file, PrintStream out) throws Exception {
        List<String> lines = Files.readAllLines(file).stream()
                .filter(l -> !l.isBlank() && !l.stripLeading().startsWith("#")).toList();
        ModelText text = loaded.text();
        AtomicInteger peakBlocks = new AtomicInteger();
        int totalBlocks = loaded.engine().info().kvBlocks();
        loaded.engine().addObserver(ev -> peakBlocks.accumulateAndGet((int) Math.round(ev.kvUsage() * totalBlocks), Math::max));
        EngineStats before = loaded.engine().stats();
        Semaphore permits = new Semaphore(concurrency);
        List<CompletionCollector> collectors = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = om.readTree(lines.get(i));
            EngineRequest req = request(i, line, text);
            CompletionCollector c = new CompletionCollector(text);
            collectors.add(c);
            permits.acquire();
            c.future().whenComplete((o, e) -> permits.release());
            loaded.engine().submit(req, c);
        }
        long outputTokens = 0;
        double tpotSum = 0;
        int tpotCount = 0;
        long drafted = 0;
        long accepted = 0;
        for (CompletionCollector c : collectors) {
            EngineOutput last = c.await();
            RequestMetrics m = last.metrics();
            outputTokens += m.outputTokens();
            if (m.outputTokens() > 1) {
                tpotSum += m.tpotNanos() / 1e6;
                tpotCount++;
            }
            drafted += m.draftedTokens();
            accepted += m.acceptedTokens();
            ObjectNode o = om.createObjectNode();
            o.set("output_ids", GenerateCommand.ints(om, c.tokens()));
            o.put("output_text", c.text());
            o.put("finish_reason", CompletionCollector.finishReason(last));
            o.put("cached_prompt_tokens", m.cachedPromptTokens());
            o.put("ttft_ms", GenerateCommand.round(m.ttftNanos() / 1e6));
            o.put("tpot_ms", GenerateCommand.round(m.tpotNanos() / 1e6));
            out.println(om.writeValueAsString(o));
        }
        double wall = (System.nanoTime() - start) / 1e9;
        EngineStats after = loaded.engine().stats();
        ObjectNode agg = om.createObjectNode();
        ObjectNode a = agg.putObject("aggregate");
        a.put("requests", lines.size());
        a.put("output_tokens", outputTokens);
        a.put("wall_s", GenerateCommand.round(wall));
        a.put("output_tok_s", GenerateCommand.round(outputTokens / wall));
        a.put("prefix_hit_tokens", after.prefixHitTokens() - before.prefixHitTokens());
        double meanTpot = tpotCount == 0 ? 0 : tpotSum / tpotCount;
        a.put("mean_tpot_ms", GenerateCommand.round(meanTpot));
        a.put("decode_tok_s_per_stream", GenerateCommand.round(meanTpot > 0 ? 1000 / meanTpot : 0));
        a.put("spec_drafted", drafted);
        a.put("spec_accepted", accepted);
        a.put("peak_kv_blocks", peakBlocks.get());
        out.println(om.writeValueAsString(agg));
        return 0;
    }

    private EngineRequest request(int index, JsonNode line, ModelText text) throws IOException {
        int[] prompt;
        if (line.hasNonNull("messages")) {
            prompt = text.encodeChat(ChatMessagesJson.parse(line.get("messages")), Map.of());
        } else if (line.hasNonNull("prompt")) {
            prompt = text.encodePrompt(line.get("prompt").asText());
        } else {
            throw new IllegalArgumentException("line " + (index + 1) + ": needs \"prompt\" or \"messages\"");
        }
        SamplingParams d = defaults.params();
        SamplingParams p = new SamplingParams(
                (float) line.path("temperature").asDouble(d.temperature()),
                line.path("top_k").asInt(d.topK()),
                (float) line.path("top_p").asDouble(d.topP()),
                (float) line.path("min_p").asDouble(d.minP()),
                (float) line.path("repetition_penalty").asDouble(d.repetitionPenalty()),
                (float) line.path("presence_penalty").asDouble(d.presencePenalty()),
                (float) line.path("frequency_penalty").asDouble(d.frequencyPenalty()),
                line.hasNonNull("seed") ? Long.valueOf(line.get("seed").asLong()) : d.seed(), null, null, false, 0);
        // bench workload files say output_len; generate's own files max_tokens
        int maxTokens = line.path("max_tokens").asInt(line.path("output_len").asInt(defaults.maxTokens));
        boolean ignoreEos = line.path("ignore_eos").asBoolean(defaults.ignoreEos);
        return new EngineRequest("batch-" + index, prompt, p, maxTokens, 0, null, ignoreEos, 0,
                SpeculationParams.DEFAULT, 0L, System.nanoTime());
    }
}
