package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.bench.workload.WorkloadSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Failed requests are counted records by kind; the run always completes. */
class BenchErrorsTest {

    private static BenchConfig.Builder config(String url, int requests) {
        return BenchConfig.builder(url).model("m").requests(requests).workload(WorkloadSpec.random(4, 3));
    }

    @Test
    void statusErrorsMalformedSseErrorEventsAndCleanEndsWithoutDoneAreCountedByKind() throws Exception {
        ScriptedSseServer.Script script = (ex, body, n) -> {
            switch (n % 6) {
                case 0 -> ScriptedSseServer.json(ex, 500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
                case 1 -> {
                    OutputStream out = ScriptedSseServer.sse(ex);
                    ScriptedSseServer.event(out, ScriptedSseServer.contentChunk("a"));
                    ScriptedSseServer.event(out, "{not json");
                    ScriptedSseServer.event(out, "[DONE]");
                }
                case 2 -> {
                    OutputStream out = ScriptedSseServer.sse(ex);
                    ScriptedSseServer.event(out, ScriptedSseServer.contentChunk("a"));
                    ScriptedSseServer.event(out, "{\"error\":{\"message\":\"engine died\",\"type\":\"server_error\"}}");
                }
                case 3 -> {
                    OutputStream out = ScriptedSseServer.sse(ex);
                    ScriptedSseServer.event(out, ScriptedSseServer.contentChunk("a")); // then a clean end
                }
                case 4 -> ScriptedSseServer.json(ex, 200, "{\"object\":\"chat.completion\",\"choices\":[]}");
                default -> ScriptedSseServer.tokens(3, 0, 0).respond(ex, body, n);
            }
        };
        try (ScriptedSseServer server = ScriptedSseServer.start(script)) {
            BenchReport r = BenchRunner.run(config(server.url(), 12).build());
            assertThat(r.requests()).hasSize(12);
            assertThat(r.summary().completed()).isEqualTo(2);
            assertThat(r.summary().failed()).isEqualTo(10);
            assertThat(r.summary().errors()).isEqualTo(Map.of("http_500", 2, "malformed_sse", 2,
                    "server_error_event", 2, "incomplete", 2, "not_streaming", 2));
            RequestRecord first = r.requests().getFirst();
            assertThat(first.httpStatus()).isEqualTo(500);
            assertThat(first.errorDetail()).contains("boom");
            RequestRecord malformed = r.requests().get(1);
            assertThat(malformed.errorDetail()).contains("{not json");
            assertThat(malformed.chunkNanos()).hasSize(1); // the chunk before the bad one is still timed
            assertThat(r.requests().get(2).errorDetail()).isEqualTo("engine died");
            // Latency statistics only use completed requests.
            assertThat(r.summary().ttft().count()).isEqualTo(2);
        }
    }

    @Test
    void connectionRefusedIsAConnectErrorForEveryRequest() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        BenchReport r = BenchRunner.run(config("http://127.0.0.1:" + port, 3).build());
        assertThat(r.summary().completed()).isZero();
        assertThat(r.summary().errors()).isEqualTo(Map.of("connect", 3));
        assertThat(r.summary().ttft()).isEqualTo(Distribution.EMPTY);
        assertThat(r.tokenCounting()).isEqualTo("words_approx");
        assertThat(r.notes()).anyMatch(n -> n.contains("approximate"));
    }

    @Test
    void aServerThatHangsIsATimeout() throws Exception {
        ScriptedSseServer.Script hang = (ex, body, n) -> {
            OutputStream out = ScriptedSseServer.sse(ex);
            ScriptedSseServer.event(out, ScriptedSseServer.contentChunk("a"));
            Thread.sleep(30_000);
        };
        try (ScriptedSseServer server = ScriptedSseServer.start(hang)) {
            BenchReport r = BenchRunner.run(config(server.url(), 1).timeout(Duration.ofMillis(700)).build());
            RequestRecord q = r.requests().getFirst();
            assertThat(q.errorKey()).isEqualTo("timeout");
            assertThat(q.chunkNanos()).hasSize(1);
        }
    }

    @Test
    void aConnectionClosedMidStreamIsIncomplete() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> serveAndDrop(ss));
            BenchReport r = BenchRunner.run(config("http://127.0.0.1:" + ss.getLocalPort(), 2).build());
            acceptor.interrupt();
            assertThat(r.summary().errors()).isEqualTo(Map.of("incomplete", 2));
            assertThat(r.requests()).allSatisfy(q -> assertThat(q.chunkNanos()).hasSize(1));
        }
    }

    /**
     * A raw HTTP/1.1 server: completions get one chunked SSE event and then the socket is closed without
     * the terminating chunk; anything else (the /tokenize probe) gets 404.
     */
    private static void serveAndDrop(ServerSocket ss) {
        while (!ss.isClosed()) {
            try (Socket s = ss.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                String requestLine = in.readLine();
                int length = 0;
                for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                    if (h.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).strip());
                    }
                }
                char[] body = new char[length];
                int read = 0;
                while (read < length) {
                    int n = in.read(body, read, length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                OutputStream out = s.getOutputStream();
                if (requestLine != null && requestLine.contains("/v1/chat/completions")) {
                    String event = "data: " + ScriptedSseServer.contentChunk("a") + "\n\n";
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + Integer.toHexString(event.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + event
                            + "\r\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }
}
