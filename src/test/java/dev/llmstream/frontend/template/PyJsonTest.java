package dev.llmstream.frontend.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PyJson} against values printed by CPython's {@code json.dumps}. */
class PyJsonTest {

    @Test
    void floatsUsePythonRepr() {
        double[] values = {1.0, 0.1, 1e-05, 1e16, 123456789012345678.0, 1e22, -0.0, 0.0001, 1.5e-7, 12345.678,
            1e15, 9999999999999998.0, 5e-324, 1.7976931348623157e308, 2.5e-5, 100.0, -3.25};
        String[] python = {"1.0", "0.1", "1e-05", "1e+16", "1.2345678901234568e+17", "1e+22", "-0.0", "0.0001",
            "1.5e-07", "12345.678", "1000000000000000.0", "9999999999999998.0", "5e-324", "1.7976931348623157e+308",
            "2.5e-05", "100.0", "-3.25"};
        for (int i = 0; i < values.length; i++) {
            assertThat(PyJson.floatRepr(values[i])).as("repr(%s)", python[i]).isEqualTo(python[i]);
        }
        assertThat(PyJson.dumps(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)))
                .isEqualTo("[NaN, Infinity, -Infinity]");
    }

    /** Python's repr is the shortest text that reads back as the same double. */
    @Test
    void floatReprRoundTripsForRandomDoubles() {
        Random random = new Random(20240726);
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(d)) {
                assertThat(Double.parseDouble(PyJson.floatRepr(d))).as("bits %x", Double.doubleToRawLongBits(d)).isEqualTo(d);
            }
        }
    }

    @Test
    void stringsEscapeOnlyWhatPythonEscapes() {
        String s = "\u0001\u001f\u007f\u2028\"\\/\b\f\n\r\t\uD83D\uDE00<>&'é";
        assertThat(PyJson.dumps(s)).isEqualTo("\"\\u0001\\u001f\u007f\u2028\\\"\\\\/\\b\\f\\n\\r\\t\uD83D\uDE00<>&'é\"");
        assertThat(new PyJson(null, null, true, false).write("\uD83D\uDE00é\u007f"))
                .isEqualTo("\"\\ud83d\\ude00\\u00e9\\u007f\"");
    }

    @Test
    void defaultSeparatorsAndIndentation() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", List.of(1, Map.of(), List.of()));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("c", null);
        value.put("b", inner);
        assertThat(PyJson.dumps(value)).isEqualTo("{\"a\": [1, {}, []], \"b\": {\"c\": null}}");
        assertThat(new PyJson("\t", null, false, false).write(value))
                .isEqualTo("{\n\t\"a\": [\n\t\t1,\n\t\t{},\n\t\t[]\n\t],\n\t\"b\": {\n\t\t\"c\": null\n\t}\n}");
        assertThat(new PyJson(null, List.of(",", ":"), false, true).write(Map.of("z", true, "a", false)))
                .isEqualTo("{\"a\":false,\"z\":true}");
    }

    @Test
    void keysAreConvertedLikePython() {
        Map<Object, Object> keys = new LinkedHashMap<>();
        keys.put(1, "x");
        keys.put(null, "z");
        keys.put(2.5, "w");
        keys.put(true, "t");
        assertThat(PyJson.dumps(keys)).isEqualTo("{\"1\": \"x\", \"null\": \"z\", \"2.5\": \"w\", \"true\": \"t\"}");
    }

    @Test
    void unsupportedValuesFailClearly() {
        assertThatThrownBy(() -> PyJson.dumps(new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Object of type Object is not JSON serializable");
        assertThatThrownBy(() -> PyJson.dumps(Map.of(List.of(1), "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys must be str");
        assertThat(PyJson.dumps(Arrays.asList("a", null))).isEqualTo("[\"a\", null]");
    }
}
