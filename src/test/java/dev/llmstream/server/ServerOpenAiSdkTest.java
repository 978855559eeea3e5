package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The official OpenAI Java SDK against the running server: streaming and not, chat and completions. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerOpenAiSdkTest {
    private TestServer ts;
    private OpenAIClient client;
    private String model;

    @BeforeAll
    void start() {
        ts = TestServer.shared();
        model = ts.engine.info().model();
        client = OpenAIOkHttpClient.builder().baseUrl(ts.base() + "/v1").apiKey("unused")
                .timeout(Duration.ofSeconds(60)).maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        client.close();
        ts.close();
    }

    private ChatCompletionCreateParams.Builder chat(String prompt, long maxTokens) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).maxCompletionTokens(maxTokens)
                .seed(42L).temperature(0.0)
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true));
    }

    @Test
    void nonStreamingChatHasMessageUsageAndMetrics() {
        ChatCompletion c = client.chat().completions().create(chat("Tell me a story.", 12).build());
        assertThat(c.id()).startsWith("chatcmpl-");
        assertThat(c.model()).isEqualTo(model);
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.choices().getFirst().message().content()).isPresent();
        var usage = c.usage().orElseThrow();
        assertThat(usage.completionTokens()).isEqualTo(12);
        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + 12);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).isPresent();
        JsonValue metrics = c._additionalProperties().get("metrics");
        assertThat(metrics).isNotNull();
        assertThat(metrics.toString()).contains("ttft_ms").contains("tpot_ms").contains("queue_time_ms");
    }

    @Test
    void streamingChatMatchesTheNonStreamedTextAndEndsWithUsage() {
        String expected = client.chat().completions().create(chat("Stream this.", 16).build())
                .choices().getFirst().message().content().orElseThrow();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionCreateParams params = chat("Stream this.", 16)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(chunks::add);
        }
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo(expected);
        ChatCompletionChunk usageChunk = chunks.getLast();
        assertThat(usageChunk.choices()).isEmpty();
        assertThat(usageChunk.usage().orElseThrow().completionTokens()).isEqualTo(16);
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().getFirst().finishReason())
                .contains(ChatCompletionChunk.Choice.FinishReason.LENGTH);
    }

    @Test
    void nChoicesAreIndexedAndSeededReproducibly() {
        ChatCompletionCreateParams p = chat("Pick.", 6).temperature(0.9).n(3L).seed(7L).build();
        ChatCompletion a = client.chat().completions().create(p);
        ChatCompletion b = client.chat().completions().create(p);
        assertThat(a.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0L, 1L, 2L);
        assertThat(a.choices()).extracting(c -> c.message().content().orElse(""))
                .isEqualTo(b.choices().stream().map(c -> c.message().content().orElse("")).toList());
        assertThat(a.usage().orElseThrow().completionTokens()).isEqualTo(18);
    }

    @Test
    void completionsStreamingAndNot() {
        CompletionCreateParams p = CompletionCreateParams.builder().model(model).prompt("Once upon a time")
                .maxTokens(10L).temperature(0.0).putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build();
        Completion c = client.completions().create(p);
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("length");
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> s = client.completions().createStreaming(p)) {
            s.stream().forEach(ch -> ch.choices().forEach(x -> streamed.append(x.text())));
        }
        assertThat(streamed.toString()).isEqualTo(c.choices().getFirst().text());
    }

    @Test
    void modelsListTheServedModelAndErrorsAreTypedExceptions() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly(model);
        assertThatThrownBy(() -> client.chat().completions().create(chat("x", 5).model("no-such-model").build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.chat().completions().create(chat("x", 5).temperature(7.0).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("temperature");
    }
}
