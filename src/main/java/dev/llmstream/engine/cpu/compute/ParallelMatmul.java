package dev.llmstream.engine.cpu.compute;

import dev.llmstream.engine.cpu.tensor.PreparedInput;
import dev.llmstream.engine.cpu.tensor.WeightMatrix;

/**
 * Runs up to four matmuls that read the same activations (Q/K/V, or gate/up) as ONE parallel region
 * over row chunks, so the pool is entered once per group and the threads balance across matrices.
 * Reusable and allocation-free: the engine loop owns one instance.
 */
public final class ParallelMatmul implements ComputePool.Task {
    private static final int MAX = 4;

    private final ComputePool pool;
    private final WeightMatrix[] mats = new WeightMatrix[MAX];
    private final PreparedInput[] xs = new PreparedInput[MAX];
    private final float[][] outs = new float[MAX][];
    private final int[] chunkRows = new int[MAX];
    private final int[] firstChunk = new int[MAX + 1];
    private int count;

    public ParallelMatmul(ComputePool pool) {
        this.pool = pool;
    }

    /** {@code out = x · Wᵀ} for every token of {@code x}; {@code out} is {@code [tokens × rows]}. */
    public void run(WeightMatrix w, PreparedInput x, float[] out) {
        begin();
        add(w, x, out);
        execute();
    }

    public void run(WeightMatrix w0, PreparedInput x0, float[] out0, WeightMatrix w1, PreparedInput x1, float[] out1) {
        begin();
        add(w0, x0, out0);
        add(w1, x1, out1);
        execute();
    }

    public void run(WeightMatrix w0, PreparedInput x0, float[] out0, WeightMatrix w1, PreparedInput x1, float[] out1,
                    WeightMatrix w2, PreparedInput x2, float[] out2) {
        begin();
        add(w0, x0, out0);
        add(w1, x1, out1);
        add(w2, x2, out2);
        execute();
    }

    private void begin() {
        count = 0;
        firstChunk[0] = 0;
    }

    private void add(WeightMatrix w, PreparedInput x, float[] out) {
        int i = count++;
        mats[i] = w;
        xs[i] = x;
        outs[i] = out;
        // ~8 chunks per thread balances uneven progress; chunks start at the kernels' row alignment
        int align = w.rowAlignment();
        int target = Math.max(1, w.rows() / (pool.parallelism() * 8));
        int rowsPerChunk = Math.max(Math.max(16, align), (target + align - 1) / align * align);
        chunkRows[i] = rowsPerChunk;
        firstChunk[i + 1] = firstChunk[i] + (w.rows() + rowsPerChunk - 1) / rowsPerChunk;
    }

    private void execute() {
        pool.run(firstChunk[count], this);
        for (int i = 0; i < count; i++) {
            mats[i] = null;
            xs[i] = null;
            outs[i] = null;
        }
    }

    @Override
    public void run(int chunk) {
        int m = 0;
        while (chunk >= firstChunk[m + 1]) {
            m++;
        }
        WeightMatrix w = mats[m];
        int r0 = (chunk - firstChunk[m]) * chunkRows[m];
        int r1 = Math.min(w.rows(), r0 + chunkRows[m]);
        w.matmul(xs[m], outs[m], w.rows(), r0, r1);
    }
}
