package dev.llmstream.frontend.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code chat_cases} entry of the shared llama.cpp golden files: the template read from the
 * model's GGUF, rendered here, must equal llama.cpp's {@code /apply-template} output byte for byte.
 * These cases exercise the two llama.cpp rules around the Phi-3 template: the leading BOS text is
 * dropped because the tokenizer adds BOS, and the system prompt is folded into the first user turn
 * because the template has no system role.
 */
class GoldenChatCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyGoldenChatCaseMatchesLlamaCpp() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int total = 0;
        for (Path golden : goldenFiles()) {
            JsonNode root = JSON.readTree(golden.toFile());
            JsonNode cases = root.path("chat_cases");
            if (cases.isEmpty()) {
                continue;
            }
            ChatTemplate template = templateOf(root.path("model_file").asText());
            assertThat(template.source())
                    .as("template in the GGUF is the one llama-server reported for %s", golden.getFileName())
                    .isEqualTo(root.path("chat_template").asText());
            for (JsonNode c : cases) {
                total++;
                String rendered = template.render(ChatMessagesJson.parse(c.path("messages")),
                        c.path("add_generation_prompt").asBoolean(true));
                if (!rendered.equals(c.path("rendered_prompt").asText())) {
                    mismatches.add(golden.getFileName() + " case " + c.path("id").asText() + ": got "
                            + JSON.writeValueAsString(rendered));
                }
            }
        }
        System.out.println((total - mismatches.size()) + "/" + total + " chat cases matched");
        assertThat(total).as("golden files contain chat cases").isGreaterThan(0);
        assertThat(mismatches).isEmpty();
    }

    /**
     * For models without a template llama-server reports (and uses) ChatML; ours must render the
     * same text for the same conversations.
     */
    @Test
    void fallbackRendersLikeTheTemplateLlamaCppReportsForTemplatelessModels() throws IOException {
        JsonNode root = JSON.readTree(SharedAssets.golden("stories260K.json").toFile());
        ChatTemplate reported = ChatTemplate.of(root.path("chat_template").asText(), TemplateTokens.none());
        ChatTemplate ours;
        try (GgufFile file = GgufFile.open(SharedAssets.model("stories260K.gguf"))) {
            assertThat(file.metadata().contains("tokenizer.chat_template")).isFalse();
            ours = GgufChatTemplates.load(file.metadata());
        }
        List<List<ChatMessage>> conversations = List.of(
                List.of(ChatMessage.user("Once upon a time")),
                List.of(ChatMessage.system("Tell stories."), ChatMessage.user("A cat"), ChatMessage.assistant("It sat."),
                        ChatMessage.user("More")));
        for (List<ChatMessage> conversation : conversations) {
            for (boolean generationPrompt : new boolean[] {true, false}) {
                assertThat(ours.render(conversation, generationPrompt))
                        .isEqualTo(reported.render(conversation, generationPrompt));
            }
        }
        assertThat(ours.render(conversations.get(0), true))
                .isEqualTo("<|im_start|>user\nOnce upon a time<|im_end|>\n<|im_start|>assistant\n");
    }

    private static List<Path> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.list(SharedAssets.root().resolve("golden"))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static ChatTemplate templateOf(String modelFile) throws IOException {
        Path direct = SharedAssets.root().resolve("models").resolve(modelFile);
        Path model = Files.exists(direct) ? direct : SharedAssets.model("random/" + modelFile);
        try (GgufFile file = GgufFile.open(model)) {
            return GgufChatTemplates.load(file.metadata());
        }
    }
}
