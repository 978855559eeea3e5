package dev.llmstream.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingMetrics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Our standard names are the semantic conventions' own, at the pinned version: the strings and the
 * attribute types checked against the {@code opentelemetry-semconv(-incubating)} constants of that
 * release (a semconv upgrade that renames something fails here first).
 */
class TelemetryNamesTest {

    @Test
    void theSemconvArtifactIsThePinnedVersion() {
        String newest = java.util.Arrays.stream(io.opentelemetry.semconv.SchemaUrls.class.getFields())
                .map(Field::getName).filter(n -> n.matches("V\\d+_\\d+_\\d+"))
                .map(n -> n.substring(1).replace('_', '.'))
                .max(java.util.Comparator.comparing(v -> java.util.Arrays.stream(v.split("\\."))
                        .map(x -> String.format("%05d", Integer.parseInt(x))).reduce("", String::concat)))
                .orElseThrow();
        assertThat(newest).as("pom's opentelemetry-semconv version = TelemetryNames.SEMCONV_VERSION")
                .isEqualTo(TelemetryNames.SEMCONV_VERSION);
    }

    @Test
    void metricNamesAreSemconvs() {
        assertThat(TelemetryNames.TIME_TO_FIRST_TOKEN).isEqualTo(GenAiIncubatingMetrics.GEN_AI_SERVER_TIME_TO_FIRST_TOKEN_NAME);
        assertThat(TelemetryNames.TIME_PER_OUTPUT_TOKEN).isEqualTo(GenAiIncubatingMetrics.GEN_AI_SERVER_TIME_PER_OUTPUT_TOKEN_NAME);
        assertThat(TelemetryNames.REQUEST_DURATION).isEqualTo(GenAiIncubatingMetrics.GEN_AI_SERVER_REQUEST_DURATION_NAME);
        assertThat(GenAiIncubatingMetrics.GEN_AI_SERVER_TIME_TO_FIRST_TOKEN_UNIT).isEqualTo("s");
    }

    @Test
    void spanAttributeKeysMatchSemconvNamesAndTypes() {
        assertSame(RequestSpans.K_OPERATION, GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME);
        assertSame(RequestSpans.K_PROVIDER, GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME);
        assertSame(RequestSpans.K_REQUEST_MODEL, GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL);
        assertSame(RequestSpans.K_RESPONSE_MODEL, GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL);
        assertSame(RequestSpans.K_RESPONSE_ID, GenAiIncubatingAttributes.GEN_AI_RESPONSE_ID);
        assertSame(RequestSpans.K_MAX_TOKENS, GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS);
        assertSame(RequestSpans.K_TEMPERATURE, GenAiIncubatingAttributes.GEN_AI_REQUEST_TEMPERATURE);
        assertSame(RequestSpans.K_TOP_P, GenAiIncubatingAttributes.GEN_AI_REQUEST_TOP_P);
        assertSame(RequestSpans.K_TOP_K, GenAiIncubatingAttributes.GEN_AI_REQUEST_TOP_K);
        assertSame(RequestSpans.K_SEED, GenAiIncubatingAttributes.GEN_AI_REQUEST_SEED);
        assertSame(RequestSpans.K_FREQUENCY_PENALTY, GenAiIncubatingAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY);
        assertSame(RequestSpans.K_PRESENCE_PENALTY, GenAiIncubatingAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY);
        assertSame(RequestSpans.K_STOP, GenAiIncubatingAttributes.GEN_AI_REQUEST_STOP_SEQUENCES);
        assertSame(RequestSpans.K_STREAM, GenAiIncubatingAttributes.GEN_AI_REQUEST_STREAM);
        assertSame(RequestSpans.K_CHOICES, GenAiIncubatingAttributes.GEN_AI_REQUEST_CHOICE_COUNT);
        assertSame(RequestSpans.K_FINISH_REASONS, GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS);
        assertSame(RequestSpans.K_INPUT_TOKENS, GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS);
        assertSame(RequestSpans.K_OUTPUT_TOKENS, GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS);
        assertSame(RequestSpans.K_CACHED_TOKENS, GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
        assertSame(RequestSpans.K_ERROR_TYPE, ErrorAttributes.ERROR_TYPE);
        assertSame(RequestSpans.K_HTTP_STATUS, HttpAttributes.HTTP_RESPONSE_STATUS_CODE);
        assertSame(RequestSpans.K_CLIENT_ID, HttpAttributes.HTTP_REQUEST_HEADER.getAttributeKey("x-request-id"));
        assertThat(TelemetryNames.OPERATION).isEqualTo(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME.getKey());
        assertThat(GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues.CHAT).isEqualTo("chat");
        assertThat(GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues.TEXT_COMPLETION).isEqualTo("text_completion");
    }

    @Test
    void ourNamesLiveInOneNamespaceAndAreUnique() throws IllegalAccessException {
        Set<String> seen = new HashSet<>();
        for (Field f : TelemetryNames.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != String.class || f.getName().startsWith("ATTR_")) {
                continue; // ATTR_* re-use the histogram names on purpose
            }
            String v = (String) f.get(null);
            if (v.startsWith("llmstream.") || v.startsWith("llmstream_")) {
                assertThat(seen.add(v)).as("duplicate name " + v + " (" + f.getName() + ")").isTrue();
                assertThat(v).as(f.getName()).matches("llmstream[._][a-z0-9_.]+");
            }
        }
        assertThat(seen).hasSizeGreaterThan(30);
    }

    @Test
    void spanNameFollowsSemconv() {
        assertThat(TelemetryNames.spanName("chat", "m")).isEqualTo("chat m");
        assertThat(TelemetryNames.spanName("text_completion", null)).isEqualTo("text_completion");
    }

    private static void assertSame(AttributeKey<?> ours, AttributeKey<?> semconv) {
        assertThat(ours.getKey()).isEqualTo(semconv.getKey());
        assertThat(ours.getType()).as(ours.getKey()).isEqualTo(semconv.getType());
    }
}
