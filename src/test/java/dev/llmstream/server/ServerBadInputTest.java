package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmstream.api.ApiCodec;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and out-of-range requests: each gets a 4xx in OpenAI's error format whose {@code param}
 * names the field, and the server keeps serving (a valid request after each one succeeds).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerBadInputTest {
    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";
    private static final String MSG = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private TestServer ts;

    @BeforeAll
    void start() {
        ts = TestServer.shared();
    }

    @AfterAll
    void stop() {
        ts.close();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // path, body, status, param
                Arguments.of(CHAT, "{}", 400, "messages"),
                Arguments.of(CHAT, "{" + MSG + ",\"speculation\":42}", 400, "speculation"),
                Arguments.of(CHAT, "{" + MSG + ",\"speculation\":\"magic\"}", 400, "speculation"),
                Arguments.of(CHAT, "{" + MSG + ",\"speculation\":{\"mode\":\"x\"}}", 400, "speculation.mode"),
                Arguments.of(CHAT, "{" + MSG + ",\"speculation\":{\"num_tokens\":99}}", 400, "speculation.num_tokens"),
                Arguments.of(CHAT, "{" + MSG + ",\"priority\":\"high\"}", 400, "priority"),
                Arguments.of(CHAT, "{" + MSG + ",\"cache_salt\":7}", 400, "cache_salt"),
                Arguments.of(CHAT, "{\"messages\":\"hi\"}", 400, "messages"),
                Arguments.of(CHAT, "{\"messages\":[]}", 400, "messages"),
                Arguments.of(CHAT, "{\"messages\":[42]}", 400, "messages[0]"),
                Arguments.of(CHAT, "{\"messages\":[{\"content\":\"hi\"}]}", 400, "messages[0].role"),
                Arguments.of(CHAT, "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", 400, "messages[0].role"),
                Arguments.of(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":5}]}", 400, "messages[0].content"),
                Arguments.of(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}", 400,
                        "messages[0].content[0]"),
                Arguments.of(CHAT, "{" + MSG + ",\"model\":42}", 400, "model"),
                Arguments.of(CHAT, "{" + MSG + ",\"model\":\"gpt-7\"}", 404, "model"),
                Arguments.of(CHAT, "{" + MSG + ",\"temperature\":\"hot\"}", 400, "temperature"),
                Arguments.of(CHAT, "{" + MSG + ",\"temperature\":-0.5}", 400, "temperature"),
                Arguments.of(CHAT, "{" + MSG + ",\"temperature\":2.5}", 400, "temperature"),
                Arguments.of(CHAT, "{" + MSG + ",\"top_p\":0}", 400, "top_p"),
                Arguments.of(CHAT, "{" + MSG + ",\"top_p\":1.5}", 400, "top_p"),
                Arguments.of(CHAT, "{" + MSG + ",\"top_k\":-2}", 400, "top_k"),
                Arguments.of(CHAT, "{" + MSG + ",\"top_k\":1.5}", 400, "top_k"),
                Arguments.of(CHAT, "{" + MSG + ",\"min_p\":2}", 400, "min_p"),
                Arguments.of(CHAT, "{" + MSG + ",\"max_tokens\":0}", 400, "max_tokens"),
                Arguments.of(CHAT, "{" + MSG + ",\"max_tokens\":\"ten\"}", 400, "max_tokens"),
                Arguments.of(CHAT, "{" + MSG + ",\"max_tokens\":99999999999}", 400, "max_tokens"),
                Arguments.of(CHAT, "{" + MSG + ",\"max_completion_tokens\":-3}", 400, "max_completion_tokens"),
                Arguments.of(CHAT, "{" + MSG + ",\"max_tokens\":5000}", 400, "max_tokens"),
                Arguments.of(CHAT, "{" + MSG + ",\"n\":0}", 400, "n"),
                Arguments.of(CHAT, "{" + MSG + ",\"n\":1000}", 400, "n"),
                Arguments.of(CHAT, "{" + MSG + ",\"presence_penalty\":3}", 400, "presence_penalty"),
                Arguments.of(CHAT, "{" + MSG + ",\"frequency_penalty\":-2.5}", 400, "frequency_penalty"),
                Arguments.of(CHAT, "{" + MSG + ",\"repetition_penalty\":0}", 400, "repetition_penalty"),
                Arguments.of(CHAT, "{" + MSG + ",\"seed\":\"abc\"}", 400, "seed"),
                Arguments.of(CHAT, "{" + MSG + ",\"seed\":1.5}", 400, "seed"),
                Arguments.of(CHAT, "{" + MSG + ",\"stop\":5}", 400, "stop"),
                Arguments.of(CHAT, "{" + MSG + ",\"stop\":[\"a\",7]}", 400, "stop[1]"),
                Arguments.of(CHAT, "{" + MSG + ",\"stop\":[\"\"]}", 400, "stop"),
                Arguments.of(CHAT, "{" + MSG + ",\"stop_token_ids\":[\"a\"]}", 400, "stop_token_ids[0]"),
                Arguments.of(CHAT, "{" + MSG + ",\"stop_token_ids\":[-1]}", 400, "stop_token_ids[0]"),
                Arguments.of(CHAT, "{" + MSG + ",\"stop_token_ids\":[1,99999999]}", 400, "stop_token_ids[1]"),
                Arguments.of(CHAT, "{" + MSG + ",\"logit_bias\":[1]}", 400, "logit_bias"),
                Arguments.of(CHAT, "{" + MSG + ",\"logit_bias\":{\"abc\":1}}", 400, "logit_bias"),
                Arguments.of(CHAT, "{" + MSG + ",\"logit_bias\":{\"5\":500}}", 400, "logit_bias"),
                Arguments.of(CHAT, "{" + MSG + ",\"logit_bias\":{\"99999999\":1}}", 400, "logit_bias"),
                Arguments.of(CHAT, "{" + MSG + ",\"logprobs\":\"yes\"}", 400, "logprobs"),
                Arguments.of(CHAT, "{" + MSG + ",\"logprobs\":true,\"top_logprobs\":30}", 400, "top_logprobs"),
                Arguments.of(CHAT, "{" + MSG + ",\"top_logprobs\":3}", 400, "top_logprobs"),
                Arguments.of(CHAT, "{" + MSG + ",\"ignore_eos\":\"no\"}", 400, "ignore_eos"),
                Arguments.of(CHAT, "{" + MSG + ",\"min_tokens\":-1}", 400, "min_tokens"),
                Arguments.of(CHAT, "{" + MSG + ",\"min_tokens\":9,\"max_tokens\":3}", 400, "min_tokens"),
                Arguments.of(CHAT, "{" + MSG + ",\"stream\":\"yes\"}", 400, "stream"),
                Arguments.of(CHAT, "{" + MSG + ",\"stream\":true,\"stream_options\":5}", 400, "stream_options"),
                Arguments.of(CHAT, "{" + MSG + ",\"stream_options\":{\"include_usage\":true}}", 400, "stream_options"),
                Arguments.of(CHAT, "{" + MSG + ",\"stream\":true,\"stream_options\":{\"include_usage\":1}}", 400,
                        "stream_options.include_usage"),
                Arguments.of(CHAT, "{" + MSG + ",\"user\":5}", 400, "user"),
                Arguments.of(CHAT, "{" + MSG + ",\"chat_template_kwargs\":[]}", 400, "chat_template_kwargs"),
                Arguments.of(COMPLETIONS, "{}", 400, "prompt"),
                Arguments.of(COMPLETIONS, "{\"prompt\":5}", 400, "prompt"),
                Arguments.of(COMPLETIONS, "{\"prompt\":[]}", 400, "prompt"),
                Arguments.of(COMPLETIONS, "{\"prompt\":[1,\"a\"]}", 400, "prompt[1]"),
                Arguments.of(COMPLETIONS, "{\"prompt\":[1,-4]}", 400, "prompt[1]"),
                Arguments.of(COMPLETIONS, "{\"prompt\":[1,99999999]}", 400, "prompt[1]"),
                Arguments.of(COMPLETIONS, "{\"prompt\":\"x\",\"logprobs\":true}", 400, "logprobs"),
                Arguments.of(COMPLETIONS, "{\"prompt\":\"x\",\"logprobs\":21}", 400, "logprobs"),
                Arguments.of(COMPLETIONS, "{\"prompt\":\"x\",\"echo\":1}", 400, "echo"),
                Arguments.of(COMPLETIONS, "{\"prompt\":\"x\",\"max_tokens\":2000}", 400, "max_tokens"),
                Arguments.of("/tokenize", "{\"prompt\":7}", 400, "prompt"),
                Arguments.of("/tokenize", "{}", 400, "prompt"),
                Arguments.of("/detokenize", "{\"tokens\":[1,\"x\"]}", 400, "tokens[1]"),
                Arguments.of("/detokenize", "{\"tokens\":[99999999]}", 400, "tokens[0]"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @MethodSource("cases")
    void isRejectedNamingTheField(String path, String body, int status, String param) throws Exception {
        HttpResponse<String> r = ts.post(path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = ApiCodec.tree(r.body()).path("error");
        assertThat(error.path("param").asText()).as(r.body()).isEqualTo(param);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.has("code")).isTrue();
        // still serving
        assertThat(ts.post(COMPLETIONS, "{\"prompt\":\"ok\",\"max_tokens\":1}").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "malformed body {0}")
    @MethodSource("malformed")
    void malformedBodiesAre400(String body) throws Exception {
        HttpResponse<String> r = ts.post(CHAT, body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(ApiCodec.tree(r.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @org.junit.jupiter.api.Test
    void unknownRoutesAre404AndWrongMethods405() throws Exception {
        HttpResponse<String> r = ts.get("/v2/nothing");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(ApiCodec.tree(r.body()).at("/error/code").asText()).isEqualTo("not_found");
        assertThat(ts.get(CHAT).statusCode()).isEqualTo(405);
    }

    static Stream<String> malformed() {
        return Stream.of("", "not json", "[1,2]", "{\"messages\":", "{} {}", "\"str\"", "null");
    }
}
