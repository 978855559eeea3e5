package dev.llmstream.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import dev.llmstream.frontend.RequestInfo;
import dev.llmstream.frontend.RequestObserver;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Clients that vanish or read slowly must cost the engine and the other streams nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerBackpressureTest {
    private TestServer ts;

    private final AtomicInteger pauses = new AtomicInteger();

    @BeforeAll
    void start() {
        ts = new TestServer(TestServer.config(), TestModel.engine(), new RequestObserver() {
            @Override
            public void onBackpressure(RequestInfo info) {
                pauses.incrementAndGet();
            }
        });
    }

    @AfterAll
    void stop() {
        ts.close();
    }

    private Socket openStream(int receiveBuffer, int maxTokens) throws Exception {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", ts.server.port()), 10_000);
        s.setSoTimeout(60_000);
        String body = "{\"prompt\":\"Tell a long story\",\"stream\":true,\"max_tokens\":" + maxTokens
                + ",\"ignore_eos\":true,\"temperature\":0}";
        String req = "POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
        OutputStream out = s.getOutputStream();
        out.write(req.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return s;
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        while (!buf.toString(StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(b);
            if (n < 0) {
                break;
            }
            buf.write(b, 0, n);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void disconnectMidStreamCancelsInTheEngineAndFreesEveryBlock() throws Exception {
        TestServer.awaitEngineIdle(ts.engine);
        long finishedBefore = ts.engine.stats().requestsFinished();
        try (Socket s = openStream(0, 900)) {
            String head = readUntil(s.getInputStream(), "\"text\"");
            assertThat(head).startsWith("HTTP/1.1 200");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ts.engine.stats().running() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5); // the stats snapshot is taken after each step
            }
            assertThat(ts.engine.stats().running()).as("the request runs in the engine").isEqualTo(1);
        } // closed mid-stream
        TestServer.awaitEngineIdle(ts.engine);
        ts.awaitNoneInFlight();
        assertThat(ts.engine.stats().requestsFinished()).isEqualTo(finishedBefore + 1);
        // the server keeps serving
        assertThat(ts.post("/v1/completions", "{\"prompt\":\"hi\",\"max_tokens\":2}").statusCode()).isEqualTo(200);
    }

    @Test
    void aSlowReaderDelaysNeitherTheEngineNorAFastReader() throws Exception {
        TestServer.awaitEngineIdle(ts.engine);
        try (Socket slow = openStream(1024, 900)) {
            // the slow client reads nothing while a fast client streams a whole answer
            HttpResponse<String> fast = ts.post("/v1/chat/completions",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"quick\"}],\"stream\":true,\"max_tokens\":24,"
                            + "\"ignore_eos\":true}");
            List<String> events = ServerSseTest.events(fast.body());
            assertThat(events.getLast()).isEqualTo("data: [DONE]");
            // the engine finished the slow client's 900 tokens without waiting for it to read them,
            // while the server held its stream paused (its write queue was full)
            TestServer.awaitEngineIdle(ts.engine);
            assertThat(pauses.get()).as("backpressure pauses").isPositive();
            assertThat(ts.server.inFlight()).as("the slow stream is still being delivered").isEqualTo(1);
            // ... and the slow client, reading at last, gets the whole stream intact
            String all = readUntil(slow.getInputStream(), "data: [DONE]");
            String body = all.substring(all.indexOf("\r\n\r\n") + 4);
            long chunks = body.lines().filter(l -> l.contains("\"text\"")).count();
            assertThat(all).contains("\"finish_reason\":\"length\"").contains("data: [DONE]\n\n");
            assertThat(chunks).isGreaterThan(1);
        }
        ts.awaitNoneInFlight();
    }
}
