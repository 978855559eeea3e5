package dev.llmstream.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The human form of a {@link ModelReport}: a two-column table, labels left-aligned to the longest
 * label, e.g.
 *
 * <pre>
 *   file                /models/x.gguf
 *   file size           385,618,464 bytes (367.8 MiB)
 *   architecture        llama
 *   ...
 *   bos                 1 '&lt;s&gt;'
 *   pad                 4294967295 (not a token id)
 * </pre>
 */
public final class ModelReportText {
    private ModelReportText() {}

    public static String render(ModelReport r) {
        List<String[]> rows = new ArrayList<>();
        row(rows, "file", r.file());
        row(rows, "file size", String.format(Locale.ROOT, "%,d bytes (%.1f MiB)", r.fileSize(), r.fileSize() / 1048576.0));
        row(rows, "gguf version", r.ggufVersion());
        row(rows, "alignment", r.alignment());
        row(rows, "metadata keys", r.metadataCount());
        row(rows, "architecture", orDash(r.architecture()));
        row(rows, "name", orDash(r.name()));
        row(rows, "file type", r.fileType() == null ? "-"
                : r.fileType() + (r.fileTypeName() == null ? "" : " (" + r.fileTypeName() + ")"));
        row(rows, "parameters", String.format(Locale.ROOT, "%,d (%s)", r.parameterCount(), humanCount(r.parameterCount())));
        row(rows, "tensors", r.tensorCount() + typeSummary(r.tensorTypes()));
        if (r.shape() != null) {
            shapeRows(rows, r.shape());
        } else {
            row(rows, "shape", "- (" + r.shapeError() + ")");
        }
        ModelReport.Tokenizer t = r.tokenizer();
        if (t == null) {
            row(rows, "tokenizer", "-");
        } else {
            row(rows, "tokenizer", t.model() + (t.pre() == null ? "" : " (pre: " + t.pre() + ")")
                    + ", " + String.format(Locale.ROOT, "%,d", t.vocabSize()) + " tokens");
            row(rows, "add bos / eos", orDash(t.addBos()) + " / " + orDash(t.addEos()));
            for (Map.Entry<String, ModelReport.SpecialToken> e : t.special().entrySet()) {
                ModelReport.SpecialToken s = e.getValue();
                row(rows, e.getKey(), s == null ? "-"
                        : s.valid() ? s.id() + " '" + printable(s.text()) + "'" : s.id() + " (not a token id)");
            }
            row(rows, "chat template", t.chatTemplate().present()
                    ? "yes (" + t.chatTemplate().length() + " chars)" : "no");
        }
        int width = 0;
        for (String[] row : rows) {
            width = Math.max(width, row[0].length());
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            sb.append(row[0]).append(" ".repeat(width - row[0].length() + 2)).append(row[1]).append('\n');
        }
        return sb.toString();
    }

    private static void shapeRows(List<String[]> rows, ModelReport.Shape s) {
        row(rows, "n_embd", s.nEmbd());
        row(rows, "n_layer", s.nLayer());
        row(rows, "n_head / n_head_kv", s.nHead() + " / " + s.nHeadKv());
        row(rows, "head_dim", s.headDim() + (s.valueHeadDim() != s.headDim() ? " (v: " + s.valueHeadDim() + ")" : ""));
        row(rows, "n_ff", s.nFf());
        row(rows, "n_vocab", s.nVocab());
        row(rows, "context length", s.contextLength());
        row(rows, "rope", "base " + s.ropeFreqBase() + ", dims " + s.ropeDimensionCount() + ", scaling "
                + rope(s.ropeScaling()));
        row(rows, "rms eps", s.rmsEps());
        row(rows, "tied embeddings", s.tiedEmbeddings());
        row(rows, "qkv bias / qk norm", s.qkvBias() + " / " + s.qkNorm());
    }

    private static String rope(ModelReport.RopeScaling r) {
        if (r.type().equals("NONE")) {
            return "none";
        }
        StringBuilder sb = new StringBuilder(r.type().toLowerCase(Locale.ROOT));
        if (r.factor() != 1f) {
            sb.append(" factor ").append(r.factor());
        }
        sb.append(", original ctx ").append(r.originalContextLength());
        if (r.lowFreqFactor() != null || r.highFreqFactor() != null) {
            sb.append(", low/high freq ").append(r.lowFreqFactor()).append('/').append(r.highFreqFactor());
        }
        if (r.freqFactorsTensor()) {
            sb.append(" (rope_freqs.weight)");
        }
        return sb.toString();
    }

    private static String typeSummary(Map<String, Integer> types) {
        if (types.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" (");
        types.forEach((k, v) -> sb.append(sb.length() > 2 ? ", " : "").append(v).append(" x ").append(k));
        return sb.append(')').toString();
    }

    private static String humanCount(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.1fK", n / 1e3);
    }

    /** Control characters (a "\n" token) shown escaped so one token stays on one line. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format(Locale.ROOT, "\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    private static String orDash(Object o) {
        return o == null ? "-" : o.toString();
    }

    private static void row(List<String[]> rows, String label, Object value) {
        rows.add(new String[] {label, String.valueOf(value)});
    }
}
