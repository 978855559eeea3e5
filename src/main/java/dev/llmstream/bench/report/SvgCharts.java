package dev.llmstream.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * Small inline-SVG charts for the HTML report: histogram, scatter, and lines over categories. Plain SVG
 * text with {@code <title>} tooltips — no script, fonts or images from anywhere, so the page stays one
 * self-contained file that renders offline and in a mail attachment.
 */
final class SvgCharts {
    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int W = 640;
    private static final int H = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 30;
    private static final int BOTTOM = 46;
    private static final int BINS = 40;

    /** A named data series; {@code x} may be category indexes. */
    record Series(String name, double[] x, double[] y) {
    }

    private SvgCharts() {
    }

    /**
     * Histogram of {@code values} in {@value #BINS} bins up to the P99.5; values above go to a last, paler
     * overflow bin so one outlier does not squash the rest. The axis starts at 0 unless all values sit far
     * from it (then at a round number below the minimum), so narrow distributions keep their shape.
     */
    static String histogram(String title, String unit, double[] values, String color) {
        if (values.length == 0) {
            return empty(title);
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        double min = sorted[0];
        double hi = sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.995))];
        if (hi <= min) {
            hi = min + Math.max(1e-3, Math.abs(min) * 0.01);
        }
        double lo = min < 0.25 * hi ? 0 : Math.floor(min / niceStep(hi - min)) * niceStep(hi - min);
        hi += (hi - lo) * 0.02;
        double w = (hi - lo) / BINS;
        int[] counts = new int[BINS + 1];
        for (double v : values) {
            counts[v >= hi ? BINS : (int) Math.clamp(Math.floor((v - lo) / w), 0, BINS - 1)]++;
        }
        int maxCount = 1;
        for (int c : counts) {
            maxCount = Math.max(maxCount, c);
        }
        StringBuilder sb = open(title);
        double[] r = axes(sb, lo, hi + w, 0, maxCount, unit, "count", true);
        for (int b = 0; b <= BINS; b++) {
            if (counts[b] == 0) {
                continue;
            }
            double x0 = px(lo + b * w, r[0], r[1]);
            double x1 = px(lo + (b + 1) * w, r[0], r[1]);
            double h = (double) counts[b] / maxCount * (H - TOP - BOTTOM);
            String range = b == BINS ? String.format(Locale.ROOT, ">= %s %s", num(hi), unit)
                    : String.format(Locale.ROOT, "%s-%s %s", num(lo + b * w), num(lo + (b + 1) * w), unit);
            sb.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"%s><title>%s: %d</title></rect>%n",
                    x0, H - BOTTOM - h, Math.max(1, x1 - x0 - 1), h, color,
                    b == BINS ? " fill-opacity=\"0.5\"" : "", esc(range), counts[b]));
        }
        return close(sb);
    }

    /** Points of each series on numeric axes starting at 0. */
    static String scatter(String title, String xLabel, String yLabel, List<Series> series) {
        double xMax = 0;
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (finite(s.x()[i]) && finite(s.y()[i])) {
                    xMax = Math.max(xMax, s.x()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        if (xMax == 0 && yMax == 0) {
            return empty(title);
        }
        StringBuilder sb = open(title);
        double[] xr = axes(sb, 0, xMax, 0, yMax, xLabel, yLabel, true);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            for (int i = 0; i < s.x().length; i++) {
                if (finite(s.x()[i]) && finite(s.y()[i])) {
                    sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\""
                            + " fill-opacity=\"0.7\"><title>%s: %s at %s</title></circle>%n",
                            px(s.x()[i], xr[0], xr[1]), py(s.y()[i], xr[2], xr[3]), COLORS[k % COLORS.length],
                            esc(s.name()), num(s.y()[i]), num(s.x()[i])));
                }
            }
        }
        legend(sb, series);
        return close(sb);
    }

    /** Polylines over evenly spaced categories (sweep values, seconds of a run). */
    static String lines(String title, String xLabel, String yLabel, String[] categories, List<Series> series) {
        double yMax = 0;
        for (Series s : series) {
            for (double v : s.y()) {
                if (finite(v)) {
                    yMax = Math.max(yMax, v);
                }
            }
        }
        if (categories.length == 0 || yMax == 0) {
            return empty(title);
        }
        StringBuilder sb = open(title);
        double[] r = axes(sb, 0, Math.max(1, categories.length - 1), 0, yMax, xLabel, yLabel, false);
        int step = Math.max(1, categories.length / 12);
        for (int i = 0; i < categories.length; i += step) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>%n",
                    px(i, r[0], r[1]), H - BOTTOM + 14, esc(categories[i])));
        }
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.y().length; i++) {
                if (finite(s.y()[i])) {
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(i, r[0], r[1]), py(s.y()[i], r[2], r[3])));
                    sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s"
                            + " at %s: %s</title></circle>%n", px(i, r[0], r[1]), py(s.y()[i], r[2], r[3]),
                            COLORS[k % COLORS.length], esc(s.name()), esc(categories[Math.min(i, categories.length - 1)]),
                            num(s.y()[i])));
                }
            }
            sb.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
                    pts.toString().strip(), COLORS[k % COLORS.length]));
        }
        legend(sb, series);
        return close(sb);
    }

    /** Draws axes with "nice" ticks (x ticks only for a numeric x); returns the rounded ranges {xLo, xHi, yLo, yHi}. */
    private static double[] axes(StringBuilder sb, double xLo, double xHi, double yLo, double yHi, String xLabel,
                                 String yLabel, boolean numericX) {
        double xs = niceStep(xHi - xLo);
        double ys = "count".equals(yLabel) ? Math.max(1, niceStep(yHi - yLo)) : niceStep(yHi - yLo);
        if (numericX) {
            xHi = Math.ceil(xHi / xs) * xs;
        }
        yHi = Math.ceil(yHi / ys) * ys;
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>%n",
                LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>%n",
                LEFT, TOP, LEFT, H - BOTTOM));
        for (double y = yLo; y <= yHi + ys / 2; y += ys) {
            double p = py(y, yLo, yHi);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>%n",
                    LEFT, p, W - RIGHT, p, LEFT - 4, p + 4, num(y)));
        }
        if (numericX) {
            for (double x = xLo; x <= xHi + xs / 2; x += xs) {
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>%n",
                        px(x, xLo, xHi), H - BOTTOM + 14, num(x)));
            }
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">%s</text>%n",
                (LEFT + W - RIGHT) / 2, H - 8, esc(xLabel == null ? "" : xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" class=\"label\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 14 %d)\">%s</text>%n", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, esc(yLabel)));
        return new double[] {xLo, xHi, yLo, yHi};
    }

    static double niceStep(double range) {
        if (!(range > 0)) {
            return 1;
        }
        double raw = range / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }

    private static double px(double x, double lo, double hi) {
        return LEFT + (x - lo) / (hi - lo) * (W - LEFT - RIGHT);
    }

    private static double py(double y, double lo, double hi) {
        return H - BOTTOM - (y - lo) / (hi - lo) * (H - TOP - BOTTOM);
    }

    private static void legend(StringBuilder sb, List<Series> series) {
        for (int k = 0; k < series.size(); k++) {
            int x = W - RIGHT - 150;
            int y = TOP + 4 + k * 15;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" class=\"tick\">%s</text>%n", x, y, COLORS[k % COLORS.length], x + 14, y + 9,
                    esc(series.get(k).name())));
        }
    }

    private static StringBuilder open(String title) {
        return new StringBuilder(String.format(Locale.ROOT, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\""
                + " height=\"%d\" role=\"img\"><text x=\"%d\" y=\"18\" class=\"title\">%s</text>%n", W, H, W, H, LEFT,
                esc(title)));
    }

    private static String close(StringBuilder sb) {
        return sb.append("</svg>\n").toString();
    }

    private static String empty(String title) {
        return close(open(title + " (no data)"));
    }

    private static boolean finite(double v) {
        return !Double.isNaN(v) && !Double.isInfinite(v);
    }

    /** Short tick/tooltip text: no trailing zeros ({@code 0.5}, {@code 12.25}, {@code 150}). */
    static String num(double v) {
        double a = Math.abs(v);
        String t = String.format(Locale.ROOT, a >= 100 || v == Math.rint(v) ? "%.0f" : a >= 1 ? "%.2f" : "%.3f", v);
        if (t.contains(".")) {
            t = t.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return t;
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
