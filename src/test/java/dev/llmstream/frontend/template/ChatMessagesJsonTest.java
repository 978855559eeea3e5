package dev.llmstream.frontend.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmstream.frontend.template.ChatMessage.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatMessagesJsonTest {

    @Test
    void stringNullAndContentPartContent() {
        List<ChatMessage> messages = ChatMessagesJson.parse("""
                [{"role": "system", "content": "S"},
                 {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
                 {"role": "assistant", "content": null, "reasoning_content": "r"}]""");
        assertThat(messages).containsExactly(
                ChatMessage.system("S"),
                ChatMessage.user("a\nb"),
                new ChatMessage("assistant", null, "r", null, null, List.of()));
    }

    @Test
    void toolCallsWithStringOrObjectArguments() {
        List<ChatMessage> messages = ChatMessagesJson.parse("""
                [{"role": "assistant", "content": "", "tool_calls": [
                   {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\\"a\\": 1}"}},
                   {"type": "function", "function": {"name": "g", "arguments": {"b": [2]}}}]},
                 {"role": "tool", "tool_call_id": "c1", "name": "f", "content": "ok"}]""");
        assertThat(messages.get(0).toolCalls()).containsExactly(
                new ToolCall("c1", "f", "{\"a\": 1}"), new ToolCall(null, "g", "{\"b\":[2]}"));
        assertThat(messages.get(1)).isEqualTo(new ChatMessage("tool", "ok", null, "f", "c1", List.of()));
    }

    @Test
    void malformedInputNamesTheElement() {
        assertThatThrownBy(() -> ChatMessagesJson.parse("{\"role\": \"user\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected a JSON array");
        assertThatThrownBy(() -> ChatMessagesJson.parse("[{\"content\": \"x\"}]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("messages[0].role: expected a string");
        assertThatThrownBy(() -> ChatMessagesJson.parse(
                "[{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {}}]}]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("messages[0].content[0]: unsupported content part type 'image_url'");
        assertThatThrownBy(() -> ChatMessagesJson.parse("[{\"role\": \"user\", \"content\": 5}]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("messages[0].content:");
        assertThatThrownBy(() -> ChatMessagesJson.parse("[{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {}}]}]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("messages[0].tool_calls[0].function.name: expected a string");
        assertThatThrownBy(() -> ChatMessagesJson.parse("[1,"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("messages: not valid JSON");
    }
}
