package dev.llmstream.telemetry;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver for tests: accepts {@code POST /v1/traces} in http/protobuf, decodes
 * each export with the official proto classes, and keeps every span with its resource. It is what a
 * collector would see, so tests assert on what llmstream really exports.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One received span and the resource it was exported under. */
    public record Received(Span span, Resource resource) {
        public String attr(String key) {
            return value(span.getAttributesList(), key).map(AnyValue::getStringValue).orElse(null);
        }

        public Long longAttr(String key) {
            return value(span.getAttributesList(), key).map(AnyValue::getIntValue).orElse(null);
        }

        public Double doubleAttr(String key) {
            return value(span.getAttributesList(), key).map(AnyValue::getDoubleValue).orElse(null);
        }

        public List<String> stringsAttr(String key) {
            return value(span.getAttributesList(), key)
                    .map(v -> v.getArrayValue().getValuesList().stream().map(AnyValue::getStringValue).toList())
                    .orElse(null);
        }

        public String resourceAttr(String key) {
            return value(resource.getAttributesList(), key).map(AnyValue::getStringValue).orElse(null);
        }

        /** Event timestamps (epoch nanos) by event name. */
        public Map<String, Long> events() {
            Map<String, Long> m = new java.util.LinkedHashMap<>();
            span.getEventsList().forEach(e -> m.put(e.getName(), e.getTimeUnixNano()));
            return m;
        }

        private static java.util.Optional<AnyValue> value(List<KeyValue> kvs, String key) {
            return kvs.stream().filter(kv -> kv.getKey().equals(key)).map(KeyValue::getValue).findFirst();
        }
    }

    private final HttpServer server;
    private final List<Received> spans = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();

    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (exchange) {
                contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
                InputStream in = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    in = new GZIPInputStream(in);
                }
                ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
                req.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> ss.getSpansList()
                        .forEach(s -> spans.add(new Received(s, rs.getResource())))));
                byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                exchange.getResponseBody().write(ok);
            }
        });
        server.start();
    }

    /** The endpoint to put in {@code otel.exporter.otlp.traces.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** {@code otel.*} properties that send spans here over http/protobuf, quickly. */
    public Map<String, String> otelProperties() {
        return Map.of("otel.traces.exporter", "otlp",
                "otel.exporter.otlp.traces.protocol", "http/protobuf",
                "otel.exporter.otlp.traces.endpoint", endpoint(),
                "otel.bsp.schedule.delay", "50");
    }

    public List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    /** Waits until {@code count} spans match (or the timeout passes) and returns the matching ones. */
    public List<Received> await(Predicate<Received> match, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Received> found = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            found = spans.stream().filter(match).toList();
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(20);
        }
        return found;
    }

    public List<Received> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
