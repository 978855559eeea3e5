package dev.llmstream.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small parser of the Prometheus text exposition for tests: every sample with its name, labels and
 * value, and sums over the samples of one name (optionally those carrying one label value).
 */
public final class PromText {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples;

    private PromText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PromText parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int close = line.lastIndexOf('}');
                parseLabels(line.substring(brace + 1, close), labels);
                space = line.indexOf(' ', close);
            } else {
                name = line.substring(0, line.indexOf(' '));
                space = line.indexOf(' ');
            }
            String[] rest = line.substring(space + 1).trim().split(" ");
            out.add(new Sample(name, labels, number(rest[0])));
        }
        return new PromText(out);
    }

    private static void parseLabels(String s, Map<String, String> labels) {
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            String key = s.substring(i, eq).trim();
            StringBuilder v = new StringBuilder();
            int j = eq + 2; // past ="
            while (s.charAt(j) != '"') {
                if (s.charAt(j) == '\\') {
                    j++;
                }
                v.append(s.charAt(j++));
            }
            labels.put(key, v.toString());
            i = j + 1;
            if (i < s.length() && s.charAt(i) == ',') {
                i++;
            }
        }
    }

    private static double number(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }

    public List<Sample> samples() {
        return samples;
    }

    public Set<String> names() {
        Set<String> n = new LinkedHashSet<>();
        samples.forEach(s -> n.add(s.name()));
        return n;
    }

    /** Sum over every sample named {@code name} (0 when none). */
    public double sum(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).sum();
    }

    /** Sum over the samples named {@code name} whose label {@code label} is {@code value}. */
    public double sum(String name, String label, String value) {
        return samples.stream().filter(s -> s.name().equals(name) && value.equals(s.labels().get(label)))
                .mapToDouble(Sample::value).sum();
    }

    /** The single sample named {@code name} with {@code label=value}; fails when there is none. */
    public double value(String name, String label, String value) {
        return samples.stream().filter(s -> s.name().equals(name) && value.equals(s.labels().get(label)))
                .mapToDouble(Sample::value).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + "{" + label + "=\"" + value + "\"}"));
    }

    /** The values of {@code label} over the samples named {@code name}, in order, without repeats. */
    public List<String> labelValues(String name, String label) {
        Set<String> v = new LinkedHashSet<>();
        samples.stream().filter(s -> s.name().equals(name) && s.labels().containsKey(label))
                .forEach(s -> v.add(s.labels().get(label)));
        return List.copyOf(v);
    }
}
