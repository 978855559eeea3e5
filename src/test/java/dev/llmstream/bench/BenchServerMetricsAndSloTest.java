package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prometheus deltas, SLO specs and time spans. */
class BenchServerMetricsAndSloTest {

    @Test
    void prometheusTextIsSummedOverLabelsForKnownSeriesOnly() {
        String text = """
                # HELP vllm:prompt_tokens_total Number of prefill tokens processed.
                # TYPE vllm:prompt_tokens_total counter
                vllm:prompt_tokens_total{model_name="a b",engine="0"} 100.0
                vllm:prompt_tokens_total{model_name="c}d",engine="1"} 50
                vllm:time_to_first_token_seconds_sum{model_name="m"} 2.5
                vllm:time_to_first_token_seconds_count{model_name="m"} 10
                vllm:time_to_first_token_seconds_bucket{le="+Inf"} 10
                vllm:num_requests_running{model_name="m"} 3
                process_cpu_seconds_total 99
                llamacpp:tokens_predicted_total 7 1712345678
                """;
        Map<String, Double> m = ServerMetrics.parse(text);
        assertThat(m).containsOnlyKeys("vllm:prompt_tokens_total", "vllm:time_to_first_token_seconds_sum",
                "vllm:time_to_first_token_seconds_count", "llamacpp:tokens_predicted_total");
        assertThat(m.get("vllm:prompt_tokens_total")).isEqualTo(150.0);
        assertThat(m.get("llamacpp:tokens_predicted_total")).isEqualTo(7.0);
    }

    @Test
    void deltasAndDerivedRates() {
        Map<String, Double> before = Map.of("vllm:prefix_cache_queries_total", 100.0, "vllm:prefix_cache_hits_total", 10.0,
                "vllm:time_to_first_token_seconds_sum", 1.0, "vllm:time_to_first_token_seconds_count", 4.0,
                "vllm:generation_tokens_total", 5.0);
        Map<String, Double> after = Map.of("vllm:prefix_cache_queries_total", 300.0, "vllm:prefix_cache_hits_total", 160.0,
                "vllm:time_to_first_token_seconds_sum", 3.0, "vllm:time_to_first_token_seconds_count", 14.0,
                "vllm:generation_tokens_total", 5.0, "vllm:spec_decode_num_draft_tokens_total", 40.0,
                "vllm:spec_decode_num_accepted_tokens_total", 30.0);
        ServerMetrics.Delta d = ServerMetrics.delta(URI.create("http://x/metrics"), before, after);
        assertThat(d.counters()).containsEntry("vllm:prefix_cache_queries_total", 200.0)
                .containsEntry("vllm:prefix_cache_hits_total", 150.0)
                .doesNotContainKey("vllm:generation_tokens_total"); // unchanged
        assertThat(d.histograms().get("vllm:time_to_first_token_seconds").count()).isEqualTo(10.0);
        assertThat(d.histograms().get("vllm:time_to_first_token_seconds").meanMs()).isCloseTo(200.0, within(1e-9));
        assertThat(d.derived()).containsEntry("vllm:prefix_cache_hit_rate", 0.75)
                .containsEntry("vllm:spec_decode_acceptance_rate", 0.75);
        assertThat(d.error()).isNull();
    }

    @Test
    void sloSpecsInBothSpellings(@TempDir Path dir) throws Exception {
        assertThat(Slo.parse("ttft=500ms,tpot=50ms")).isEqualTo(new Slo(500.0, 50.0, null));
        assertThat(Slo.parse("ttft:500 tpot:0.05s e2el:10s")).isEqualTo(new Slo(500.0, 50.0, 10_000.0));
        assertThat(Slo.parse("ttft=500ms,tpot=50ms").describe()).isEqualTo("ttft<=500ms, tpot<=50ms");
        assertThatThrownBy(() -> Slo.parse("latency=3")).hasMessageContaining("unknown SLO key");
        Path profile = dir.resolve("chat.slo");
        Files.writeString(profile, "# interactive chat\nttft=300ms, tpot=40ms # per token\n");
        assertThat(Slo.parseOrLoad(profile.toString())).isEqualTo(new Slo(300.0, 40.0, null));
    }

    @Test
    void timeSpans() {
        assertThat(TimeSpec.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TimeSpec.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(TimeSpec.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(TimeSpec.parseMillis("0.5s")).isEqualTo(500.0);
        assertThat(TimeSpec.parseMillis("20")).isEqualTo(20.0);
        assertThatThrownBy(() -> TimeSpec.parseDuration("3 weeks")).hasMessageContaining("unknown time unit");
        assertThatThrownBy(() -> TimeSpec.parseDuration("-1s")).hasMessageContaining(">= 0");
    }
}
