package dev.llmstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void fileThenEnvThenFlags() throws Exception {
        Path f = tmp.resolve("c.yaml");
        Files.writeString(f, "server:\n  port: 9000\n  host: 0.0.0.0\nengine:\n  max_seqs: 8\n");
        LlmstreamConfig c = ConfigLoader.load(f, Map.of("LLMSTREAM_SERVER_PORT", "9100", "LLMSTREAM_ENGINE_WARMUP", "false"),
                Map.of("server.port", 9200));
        assertThat(c.server().port()).isEqualTo(9200);
        assertThat(c.server().host()).isEqualTo("0.0.0.0");
        assertThat(c.engine().maxSeqs()).isEqualTo(8);
        assertThat(c.engine().warmup()).isFalse();
        assertThat(c.server().requestTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.engine().numerics()).isEqualTo("exact");
        assertThat(ConfigLoader.load(null, Map.of("LLMSTREAM_ENGINE_NUMERICS", "FAST"), Map.of()).engine().numerics())
                .isEqualTo("fast");
    }

    @Test
    void badValuesNameTheKeyAndTheSource() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("LLMSTREAM_SERVER_PORT", "70000"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.port").hasMessageContaining("LLMSTREAM_SERVER_PORT");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("engine.max_seqs", "many")))
                .hasMessageContaining("engine.max_seqs");
        Path f = tmp.resolve("typo.yaml");
        Files.writeString(f, "server:\n  prot: 1\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of())).hasMessageContaining("server.prot");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("model.path", "/no/such.gguf")))
                .hasMessageContaining("model.path");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("engine.numerics", "quick")))
                .hasMessageContaining("engine.numerics");
    }

    @Test
    void apiKeysFromEnvFlagsAndAHashFileAreStoredAsHashes() throws Exception {
        Path keys = tmp.resolve("keys.txt");
        Files.writeString(keys, "# team keys\n" + ConfigLoader.sha256Hex("from-file") + "\n");
        LlmstreamConfig c = ConfigLoader.load(null, Map.of(ConfigLoader.API_KEYS_ENV, "a, b"),
                Map.of("server.api_key_file", keys.toString()));
        assertThat(c.server().apiKeyHashes()).containsExactly(ConfigLoader.sha256Hex("a"), ConfigLoader.sha256Hex("b"),
                ConfigLoader.sha256Hex("from-file"));
        Files.writeString(keys, "not-a-hash\n");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("server.api_key_file", keys.toString())))
                .hasMessageContaining("server.api_key_file").hasMessageContaining("line 1");
    }

    @Test
    void theShippedYamlListsEveryKeyWithItsDefaultAndAComment() throws Exception {
        Path file = Path.of("config", "llmstream.yaml");
        assertThat(ConfigLoader.load(file, Map.of(), Map.of())).isEqualTo(ConfigLoader.defaults());
        JsonNode root = new YAMLMapper().readTree(file.toFile());
        List<String> inFile = new ArrayList<>();
        root.properties().forEach(s -> s.getValue().properties().forEach(k -> inFile.add(s.getKey() + "." + k.getKey())));
        assertThat(inFile).containsExactlyElementsOf(ConfigSchema.keys().stream().map(ConfigKey::name).toList());
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("  ") && !l.trim().startsWith("#")) {
                assertThat(lines.get(i - 1).trim()).as("comment above " + l.trim()).startsWith("#");
            }
        }
    }
}
