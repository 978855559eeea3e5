package dev.llmstream.bench;

import dev.llmstream.bench.workload.TokenRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A series of runs that differ in one parameter ({@code --sweep concurrency=1,4,16}): the way to get
 * tok/s against concurrency, or latency against offered rate.
 *
 * <ul>
 *   <li>{@code concurrency}: closed loop with that many clients;</li>
 *   <li>{@code rate}: open loop at that rate (keeping the run's arrival law and cap; {@code inf} allowed);</li>
 *   <li>{@code max-concurrency}: open-loop cap (with the run's rate, or all at once);</li>
 *   <li>{@code input-len}, {@code output-len}: token lengths ({@code N} or {@code MIN:MAX}).</li>
 * </ul>
 *
 * @param parameter one of the names above
 * @param values at least one, in run order
 */
public record SweepSpec(String parameter, List<String> values) {
    private static final List<String> PARAMETERS =
            List.of("concurrency", "rate", "max-concurrency", "input-len", "output-len");

    public SweepSpec {
        if (!PARAMETERS.contains(parameter)) {
            throw new IllegalArgumentException("cannot sweep '" + parameter + "'; one of " + PARAMETERS);
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one value");
        }
        values = List.copyOf(values);
    }

    /** Parses {@code name=v1,v2,...}. */
    public static SweepSpec parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--sweep must look like concurrency=1,4,16, got '" + text + "'");
        }
        List<String> values = new ArrayList<>();
        for (String v : text.substring(eq + 1).split(",")) {
            if (!v.isBlank()) {
                values.add(v.strip());
            }
        }
        return new SweepSpec(text.substring(0, eq).strip().toLowerCase(Locale.ROOT), values);
    }

    /** Label of the run for {@code value}: {@code concurrency=4}. */
    public String label(String value) {
        return parameter + "=" + value;
    }

    /** {@code base} with the swept parameter set to {@code value}. */
    public BenchConfig apply(BenchConfig base, String value) {
        BenchConfig.Builder b = base.toBuilder();
        LoadShape.Open open = base.load() instanceof LoadShape.Open o ? o : null;
        switch (parameter) {
            case "concurrency" -> b.load(new LoadShape.Closed(Integer.parseInt(value)));
            case "rate" -> {
                double rate = value.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(value);
                b.load(open == null ? LoadShape.Open.poisson(rate)
                        : new LoadShape.Open(rate, open.arrival(), open.burstiness(), open.maxConcurrency()));
            }
            case "max-concurrency" -> b.load(open == null
                    ? new LoadShape.Open(Double.POSITIVE_INFINITY, LoadShape.Arrival.POISSON, 1.0, Integer.parseInt(value))
                    : new LoadShape.Open(open.rate(), open.arrival(), open.burstiness(), Integer.parseInt(value)));
            case "input-len" -> b.workload(base.workload().withInputLen(TokenRange.parse(value)));
            case "output-len" -> b.workload(base.workload().withOutputLen(TokenRange.parse(value)));
            default -> throw new IllegalStateException(parameter);
        }
        return b.build();
    }
}
