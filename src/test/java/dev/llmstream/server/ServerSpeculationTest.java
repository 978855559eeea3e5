package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Per-request speculation over HTTP: greedy output unchanged, drafts reported in {@code metrics}. */
class ServerSpeculationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode complete(TestServer s, String extra) throws Exception {
        String body = "{\"prompt\":\"one two three four one two three four one two three four one two\","
                + "\"max_tokens\":24,\"temperature\":0,\"ignore_eos\":true" + extra + "}";
        var r = s.post("/v1/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void promptLookupKeepsGreedyOutputAndReportsDrafts() throws Exception {
        try (TestServer s = TestServer.shared()) {
            JsonNode plain = complete(s, ",\"speculation\":\"off\"");
            JsonNode spec = complete(s, ",\"speculation\":{\"mode\":\"ngram\",\"num_tokens\":4}");
            assertThat(spec.at("/choices/0/text").asText()).isEqualTo(plain.at("/choices/0/text").asText());
            assertThat(plain.at("/metrics/spec_draft_tokens").asInt()).isZero();
            assertThat(spec.at("/metrics/spec_draft_tokens").asInt()).isPositive();
            assertThat(spec.at("/metrics/spec_accepted_tokens").asInt())
                    .isBetween(0, spec.at("/metrics/spec_draft_tokens").asInt());
            JsonNode salted = complete(s, ",\"cache_salt\":\"tenant-a\",\"priority\":-1");
            assertThat(salted.at("/choices/0/text").asText()).isEqualTo(plain.at("/choices/0/text").asText());
            TestServer.awaitEngineIdle(s.engine);
        }
    }
}
