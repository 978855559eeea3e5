package dev.llmstream.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * OpenAI's error format: {@code {"error": {"message", "type", "param", "code"}}}, used for every
 * non-2xx response and for the SSE error event of a stream that fails after it started. All four
 * keys are always present ({@code null} when not applicable), as OpenAI sends them.
 */
public record ErrorBody(Detail error) {

    public static ErrorBody of(String message, String type, String param, String code) {
        return new ErrorBody(new Detail(message, type, param, code));
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String param, String code) {}
}
