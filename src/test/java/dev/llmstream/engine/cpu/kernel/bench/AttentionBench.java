package dev.llmstream.engine.cpu.kernel.bench;

import dev.llmstream.engine.cpu.kernel.Attention;
import dev.llmstream.engine.cpu.kernel.FastAttention;
import dev.llmstream.engine.cpu.kv.KvStorage;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The attention of one layer of a continuous-batching decode step, single thread: {@code sequences} sequences of
 * {@code ctx} cached positions each, every KV group of every sequence staged from the F16 cache
 * ({@link KvStorage#stage}) and attended by its query heads, in exact numerics (llama.cpp's flash attention,
 * {@link Attention}) or fast ({@link FastAttention}); {@code STAGE} only stages (the part that reads the cache). Shape of SmolLM2-360M (5 KV heads of 64, 3 query heads each);
 * the cache of {@code layers} layers is allocated and each call takes the next layer, so keys and values come from
 * memory as in a real step (a step runs all layers on two threads: multiply by layers, divide by about two).
 *
 * <pre>
 *   loadtest/jmh.sh AttentionBench -p ctx=48,160,600 -p numerics=EXACT,FAST,STAGE
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms2g", "-Xmx2g"})
public class AttentionBench {
    @Param("160")
    public int ctx;
    @Param("16")
    public int sequences;
    /** EXACT, FAST or STAGE. */
    @Param("EXACT")
    public String numerics;
    @Param("32")
    public int layers;

    private static final int HEAD_DIM = 64;
    private static final int KV_HEADS = 5;
    private static final int GROUP = 3;

    private KvStorage kv;
    private int[][] tables;
    private float[] q;
    private float[] out;
    private float[] keys;
    private float[] values;
    private int[] staged;
    private float[] scratch;
    private int layer;

    @Setup(Level.Trial)
    public void setUp() {
        int blocks = (ctx + 15) / 16;
        kv = new KvStorage(layers, blocks * sequences, 16, KV_HEADS * HEAD_DIM, HEAD_DIM);
        SplittableRandom rnd = new SplittableRandom(7);
        float[] row = new float[KV_HEADS * HEAD_DIM];
        tables = new int[sequences][blocks];
        for (int s = 0; s < sequences; s++) {
            for (int b = 0; b < blocks; b++) {
                tables[s][b] = b * sequences + s; // interleaved, as a pool hands blocks out to concurrent sequences
            }
            for (int l = 0; l < layers; l++) {
                for (int p = 0; p < ctx; p++) {
                    for (int i = 0; i < row.length; i++) {
                        row[i] = (float) rnd.nextGaussian();
                    }
                    kv.writeKey(l, tables[s], p, row, 0);
                    kv.writeValue(l, tables[s], p, row, 0);
                }
            }
        }
        q = new float[sequences * KV_HEADS * GROUP * HEAD_DIM];
        for (int i = 0; i < q.length; i++) {
            q[i] = Float.float16ToFloat(Float.floatToFloat16((float) rnd.nextGaussian()));
        }
        out = new float[q.length];
        keys = new float[KvStorage.stagedSize(ctx, HEAD_DIM)];
        values = new float[keys.length];
        staged = KvStorage.stagedTable(ctx, new int[0]);
        scratch = new float[Math.max(FastAttention.scratchSize(ctx, GROUP), Attention.scratchSize(GROUP, HEAD_DIM))];
    }

    /** One layer of the step: every sequence's every KV group. */
    @Benchmark
    public float layer() {
        boolean fast = numerics.equals("FAST");
        boolean attend = !numerics.equals("STAGE");
        float scale = 0.125f;
        int qDim = KV_HEADS * GROUP * HEAD_DIM;
        layer = (layer + 1) % layers;
        for (int s = 0; s < sequences; s++) {
            for (int g = 0; g < KV_HEADS; g++) {
                kv.stage(layer, tables[s], g, ctx, keys, values);
                if (!attend) {
                    continue;
                }
                if (fast) {
                    FastAttention.attend(q, s * qDim, out, s * qDim, g * GROUP, GROUP, HEAD_DIM, keys, values, ctx, scale,
                            scratch);
                } else {
                    Attention.attend(q, s * qDim, out, s * qDim, g * GROUP, GROUP, 0, HEAD_DIM, keys, values, HEAD_DIM,
                            staged, KvStorage.STAGE_BLOCK, ctx, scale, true, scratch);
                }
            }
        }
        return out[0];
    }
}
