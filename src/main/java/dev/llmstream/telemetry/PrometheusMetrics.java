package dev.llmstream.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The Micrometer registry behind {@code GET /metrics}: a Prometheus registry plus JVM, process and
 * Netty allocator binders, and the scrape with content negotiation (Prometheus text by default,
 * OpenMetrics when the scraper asks for it).
 *
 * <p>Kept cheap for the inference gateway's 50 ms scrapes: JVM/process series are refreshed at most
 * once a second (they read MXBeans and /proc), JVM thread-state gauges are denied (each would walk
 * every thread's info), engine values come from one published snapshot, and nothing is aggregated at
 * scrape time beyond what the meters already hold.
 */
final class PrometheusMetrics {
    private final PrometheusMeterRegistry registry;
    /** Prometheus text exposition format 0.0.4: what Prometheus, the inference gateway and curl get. */
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** OpenMetrics 1.0, for scrapers that ask for it. */
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private final List<AutoCloseable> closeables = new ArrayList<>();
    /** JVM/process series are at most this old. */
    private static final long RUNTIME_REFRESH_NANOS = 1_000_000_000L;

    PrometheusMetrics(boolean jvm) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (jvm) {
            // JVM and process meters read MXBeans and /proc (about 2 ms together on a busy 2-core box):
            // kept in a registry of their own, scraped at most once a second and served from that copy
            PrometheusMeterRegistry runtime = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            runtime.config().meterFilter(MeterFilter.denyNameStartsWith("jvm.threads.states"));
            bind(runtime, new JvmMemoryMetrics());
            JvmGcMetrics gc = new JvmGcMetrics();
            closeables.add(gc);
            bind(runtime, gc);
            JvmHeapPressureMetrics pressure = new JvmHeapPressureMetrics();
            closeables.add(pressure);
            bind(runtime, pressure);
            bind(runtime, new JvmThreadMetrics());
            bind(runtime, new ClassLoaderMetrics());
            bind(runtime, new JvmCompilationMetrics());
            bind(runtime, new JvmInfoMetrics());
            bind(runtime, new ProcessorMetrics());
            bind(runtime, new UptimeMetrics());
            bind(runtime, new FileDescriptorMetrics());
            bindNettyAllocators(runtime);
            closeables.add(runtime::close);
            register(new CachedCollector(runtime.getPrometheusRegistry(), RUNTIME_REFRESH_NANOS));
        }
    }

    private static void bind(MeterRegistry r, MeterBinder binder) {
        binder.bindTo(r);
    }

    /** Netty's pooled allocators (Vert.x's own and Netty's default), where they publish metrics. */
    private static void bindNettyAllocators(MeterRegistry r) {
        Set<Object> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<ByteBufAllocator> candidates = new ArrayList<>();
        candidates.add(ByteBufAllocator.DEFAULT);
        try {
            Class<?> vertx = Class.forName("io.vertx.core.impl.buffer.VertxByteBufAllocator");
            candidates.add((ByteBufAllocator) vertx.getField("POOLED_ALLOCATOR").get(null));
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            // an internal of Vert.x: if it moved, Netty's default allocator is still measured
            LoggerFactory.getLogger(PrometheusMetrics.class).debug("Vert.x pooled allocator not found: {}", e.toString());
        }
        for (ByteBufAllocator a : candidates) {
            if (a instanceof ByteBufAllocatorMetricProvider p && seen.add(a)) {
                bind(r, new NettyAllocatorMetrics(p));
            }
        }
    }

    MeterRegistry registry() {
        return registry;
    }

    /** Adds series written directly to the Prometheus registry (exact names, e.g. vLLM's). */
    void register(MultiCollector collector) {
        registry.getPrometheusRegistry().register(collector);
    }

    /**
     * Writes every series as OpenMetrics when {@code accept} asks for it, else as Prometheus text (also
     * for the protobuf format, which would need another library); returns the content type.
     */
    String scrape(String accept, OutputStream out) throws IOException {
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
        registry.scrape(out, type);
        return type;
    }

    void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // closing listeners cannot fail in a way that matters at exit
            }
        }
        registry.close();
    }
}
