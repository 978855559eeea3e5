package dev.llmstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-shaped streaming server on a loopback port whose answers are scripted per request, built on
 * the JDK's {@code com.sun.net.httpserver}: the bench tests measure against known server-side timings.
 * {@code /v1/chat/completions} and {@code /v1/completions} run the script; {@code /v1/models} answers
 * {@value #MODEL}; {@code /tokenize} follows {@link Tokenize}.
 */
final class ScriptedSseServer implements AutoCloseable {
    static final String MODEL = "scripted-model";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Answers completion request number {@code n} (0-based, in arrival order). */
    @FunctionalInterface
    interface Script {
        void respond(HttpExchange ex, JsonNode body, int n) throws IOException, InterruptedException;
    }

    /** Which /tokenize shape the server speaks: one token per whitespace-separated word. */
    enum Tokenize { NONE, VLLM, LLAMACPP }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger completions = new AtomicInteger();
    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    final List<String> requestIds = new CopyOnWriteArrayList<>();

    private ScriptedSseServer(Script script, Tokenize tokenize) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        for (String path : new String[] {"/v1/chat/completions", "/v1/completions"}) {
            server.createContext(path, ex -> {
                try (ex) {
                    JsonNode body = JSON.readTree(ex.getRequestBody());
                    bodies.add(body);
                    requestIds.add(ex.getRequestHeaders().getFirst("x-request-id"));
                    script.respond(ex, body, completions.getAndIncrement());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    // the client went away (timeouts, cancels): nothing to do
                }
            });
        }
        server.createContext("/v1/models", ex -> {
            try (ex) {
                json(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL + "\",\"object\":\"model\"}]}");
            }
        });
        server.createContext("/tokenize", ex -> {
            try (ex) {
                tokenize(ex, tokenize);
            }
        });
        server.start();
    }

    static ScriptedSseServer start(Script script) throws IOException {
        return new ScriptedSseServer(script, Tokenize.VLLM);
    }

    static ScriptedSseServer start(Script script, Tokenize tokenize) throws IOException {
        return new ScriptedSseServer(script, tokenize);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int completions() {
        return completions.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void tokenize(HttpExchange ex, Tokenize shape) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        switch (shape) {
            case NONE -> json(ex, 404, "{\"detail\":\"Not Found\"}");
            case VLLM -> {
                int n = words(body.path("prompt").asText(""));
                json(ex, 200, "{\"count\":" + n + ",\"max_model_len\":4096,\"tokens\":" + ids(n) + "}");
            }
            // llama.cpp only reads "content"; a vLLM-shaped body gets an empty list, as the real server does.
            case LLAMACPP -> json(ex, 200, "{\"tokens\":" + ids(words(body.path("content").asText(""))) + "}");
        }
    }

    static int words(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private static String ids(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(100 + i);
        }
        return sb.append(']').toString();
    }

    static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    /** Starts a chunked {@code text/event-stream} answer. */
    static OutputStream sse(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    /** Writes one SSE event and flushes it as its own HTTP chunk. */
    static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static String contentChunk(String text) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"" + MODEL
                + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}";
    }

    static String roleChunk() {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}";
    }

    static String finishChunk(String reason) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},"
                + "\"finish_reason\":\"" + reason + "\"}]}";
    }

    static String usageChunk(int prompt, int completion) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
                + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion) + "}}";
    }

    /**
     * A well-behaved stream: a role chunk at once, the first token after {@code firstMs}, then one token
     * every {@code gapMs}, a finish chunk, a usage chunk and {@code [DONE]}.
     */
    static Script tokens(int tokens, long firstMs, long gapMs) {
        return (ex, body, n) -> {
            OutputStream out = sse(ex);
            event(out, roleChunk());
            Thread.sleep(firstMs);
            for (int i = 0; i < tokens; i++) {
                if (i > 0) {
                    Thread.sleep(gapMs);
                }
                event(out, contentChunk("t" + i + " "));
            }
            event(out, finishChunk("length"));
            event(out, usageChunk(words(body.path("messages").path(0).path("content").asText("")), tokens));
            event(out, "[DONE]");
        };
    }
}
