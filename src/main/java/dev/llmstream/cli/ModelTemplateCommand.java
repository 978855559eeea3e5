package dev.llmstream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.frontend.template.ChatMessage;
import dev.llmstream.frontend.template.ChatMessagesJson;
import dev.llmstream.frontend.template.ChatTemplate;
import dev.llmstream.frontend.template.ChatTemplateException;
import dev.llmstream.frontend.template.GgufChatTemplates;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llmstream model template}: renders a conversation with a GGUF model's chat template the
 * way llama.cpp would and prints the prompt text exactly (no trailing newline is added).
 */
@Command(
        name = "template",
        mixinStandardHelpOptions = true,
        description = "Render a conversation with the model's chat template and print the prompt.")
final class ModelTemplateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "GGUF model file.")
    Path model;

    @Option(names = "--messages", required = true, paramLabel = "FILE",
            description = "JSON array of {role, content} messages (content: string or text-part array).")
    Path messages;

    @Option(names = "--no-generation-prompt",
            description = "Do not append the opening of an assistant turn.")
    boolean noGenerationPrompt;

    @Option(names = "--tools", paramLabel = "FILE", description = "JSON array of OpenAI tool definitions.")
    Path tools;

    @Option(names = "--var", paramLabel = "NAME=JSON",
            description = "Extra template variable, value as JSON, e.g. --var enable_thinking=false.")
    Map<String, String> vars = new LinkedHashMap<>();

    @Option(names = "--variant", paramLabel = "NAME",
            description = "Template variant (tokenizer.chat_template.NAME), e.g. tool_use.")
    String variant;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            List<ChatMessage> conversation = ChatMessagesJson.parse(Files.readString(messages));
            Map<String, Object> extra = new LinkedHashMap<>();
            if (tools != null) {
                extra.put("tools", JSON.readTree(Files.readString(tools)));
            }
            for (Map.Entry<String, String> v : vars.entrySet()) {
                extra.put(v.getKey(), parseVar(v.getKey(), v.getValue()));
            }
            ChatTemplate template;
            try (GgufFile file = GgufFile.open(model)) {
                template = GgufChatTemplates.load(file.metadata(), variant);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(template.render(conversation, !noGenerationPrompt, extra));
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("error: cannot read " + e.getMessage());
        } catch (IllegalArgumentException | ChatTemplateException | GgufFormatException e) {
            err.println("error: " + e.getMessage());
        }
        err.flush();
        return 1;
    }

    private static JsonNode parseVar(String name, String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--var " + name + ": value is not JSON (quote strings: "
                    + name + "='\"text\"'): " + e.getOriginalMessage());
        }
    }
}
