package dev.llmstream.telemetry;

import static dev.llmstream.telemetry.TelemetryNames.*;

import dev.llmstream.engine.EngineInfo;
import dev.llmstream.engine.EngineStats;
import dev.llmstream.engine.InferenceEngine;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Series whose exact Prometheus names matter to others, written straight to the Prometheus registry
 * (Micrometer's naming would drop the {@code _info} suffix and cannot add label values that appear at
 * run time):
 *
 * <ul>
 *   <li>vLLM's names the Kubernetes Gateway API Inference Extension (and llm-d) reads by default:
 *       {@code vllm:num_requests_waiting}, {@code vllm:num_requests_running}, {@code vllm:kv_cache_usage_perc}
 *       (0..1) and {@code vllm:cache_config_info{block_size, num_gpu_blocks}} — label {@code model_name}
 *       as vLLM sets it;</li>
 *   <li>speculative acceptance by draft position, one counter per position the engine reports.</li>
 * </ul>
 *
 * One {@link InferenceEngine#stats()} snapshot per scrape (a volatile read) feeds every value.
 */
final class GatewayCollector implements MultiCollector {
    private final InferenceEngine engine;
    private final Labels model;
    private final InfoSnapshot cacheConfig;

    GatewayCollector(InferenceEngine engine, String modelName) {
        this.engine = engine;
        this.model = Labels.of(VLLM_MODEL_NAME, modelName);
        EngineInfo info = engine.info();
        this.cacheConfig = InfoSnapshot.builder().name(VLLM_CACHE_CONFIG)
                .help("KV-cache configuration (vLLM's name; the inference gateway reads block_size and num_gpu_blocks)")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(model.merge(Labels.of(VLLM_BLOCK_SIZE, Integer.toString(info.kvBlockSize()),
                                VLLM_NUM_GPU_BLOCKS, Integer.toString(info.kvBlocks()),
                                VLLM_PREFIX_CACHING, Boolean.toString(info.prefixCaching()))))
                        .build())
                .build();
    }

    @Override
    public MetricSnapshots collect() {
        EngineStats s = engine.stats();
        CounterSnapshot.Builder perPosition = CounterSnapshot.builder().name(SPEC_ACCEPTED_PER_POS_PROM)
                .help("Speculative tokens accepted, by draft position (0 = first draft token)");
        long[] accepted = s.specAcceptedPerPosition();
        for (int i = 0; i < accepted.length; i++) {
            perPosition.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(model.merge(Labels.of(POSITION, Integer.toString(i)))).value(accepted[i]).build());
        }
        return MetricSnapshots.of(
                gauge(VLLM_WAITING, "Requests waiting (vLLM's name, read by the inference gateway)", s.waiting()),
                gauge(VLLM_RUNNING, "Requests running (vLLM's name, read by the inference gateway)", s.running()),
                gauge(VLLM_KV_USAGE, "KV-cache usage 0..1 (vLLM's name, read by the inference gateway)", s.kvUsage()),
                cacheConfig,
                perPosition.build());
    }

    private GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(model).value(value).build()).build();
    }
}
