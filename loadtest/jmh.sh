#!/usr/bin/env bash
# Matmul kernel micro-benchmarks (JMH). Not part of `mvn test`: builds the test classes, resolves the
# test class path with Maven and runs org.openjdk.jmh.Main with the given JMH arguments, then prints
# GB/s of weights streamed and GFLOP/s per benchmark from the JSON result.
#
#   loadtest/jmh.sh                                   # everything (about 12 minutes)
#   loadtest/jmh.sh MatmulDecodeBench -p type=Q8_0    # one format's decode
#   loadtest/jmh.sh MatmulBatchBench -p type=Q8_0 -p tokens=512 -wi 2 -i 3
#
# Single-threaded by design; on a shared machine repeat runs and report ranges.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -q -DskipTests test-compile
mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath
CP="target/test-classes:target/classes:$(cat target/jmh.classpath)"
OUT="${JMH_RESULT:-target/jmh-result.json}"
"$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$CP" \
    org.openjdk.jmh.Main -rf json -rff "$OUT" "$@"
if command -v jq >/dev/null; then
    echo
    echo "Rates per wall-clock second, and per CPU second of the benchmark thread (cpu: what an unloaded core does)"
    echo "benchmark                 type  numerics tokens  rows x cols   GB/s   GFLOP/s | cpu GB/s  cpu GFLOP/s"
    jq -r '.[] | .secondaryMetrics as $m | [ (.benchmark | split(".") | .[-2] + "." + .[-1]), .params.type,
          (.params.numerics // "EXACT"),
          (.params.tokens // "1"), (.params.rows + "x" + .params.cols),
          (($m.weightBytes.score // 0) / 1e9), (($m.flops.score // 0) / 1e9),
          (if ($m.cpuNanos.score // 0) > 0 then $m.cpuWeightBytes.score / $m.cpuNanos.score else 0 end),
          (if ($m.cpuNanos.score // 0) > 0 then $m.cpuFlops.score / $m.cpuNanos.score else 0 end) ] | @tsv' "$OUT" |
        awk -F'\t' '{ printf "%-25s %-5s %-8s %6s  %-12s %6.2f %8.1f  | %7.2f %10.1f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
fi
