package dev.llmstream.frontend.template;

import com.hubspot.jinjava.objects.collections.PyList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;

/**
 * {@code seq[start:stop:step]} with Python's semantics, on lists (any {@link Iterable} or array) and
 * strings. Index normalisation follows CPython's {@code PySlice_AdjustIndices}: missing fields take
 * the defaults of the step's direction, negative indices count from the end, and out-of-range
 * indices are clamped instead of failing. Strings are sliced by code point, as Python does, so a
 * slice never splits a surrogate pair.
 */
final class AstSlice extends AstRightValue {
    private final AstNode base;
    private final AstNode start;
    private final AstNode stop;
    private final AstNode step;

    AstSlice(AstNode base, AstNode start, AstNode stop, AstNode step) {
        this.base = base;
        this.start = start;
        this.stop = stop;
        this.step = step;
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        Object seq = base.eval(bindings, context);
        if (seq == null) {
            throw new ELException("cannot slice an undefined or none value: " + base);
        }
        Integer from = sliceIndex(start, "start", bindings, context);
        Integer to = sliceIndex(stop, "stop", bindings, context);
        Integer by = sliceIndex(step, "step", bindings, context);
        int stride = by == null ? 1 : by;
        if (stride == 0) {
            throw new ELException("slice step cannot be zero");
        }
        if (seq instanceof CharSequence text) {
            int[] codePoints = text.toString().codePoints().toArray();
            int[] picked = indices(codePoints.length, from, to, stride);
            StringBuilder out = new StringBuilder(picked.length);
            for (int i : picked) {
                out.appendCodePoint(codePoints[i]);
            }
            return out.toString();
        }
        List<?> items = asList(seq);
        int[] picked = indices(items.size(), from, to, stride);
        List<Object> out = new ArrayList<>(picked.length);
        for (int i : picked) {
            out.add(items.get(i));
        }
        return new PyList(out);
    }

    private static List<?> asList(Object seq) {
        if (seq instanceof List<?> list) {
            return list;
        }
        if (seq instanceof Object[] array) {
            return Arrays.asList(array);
        }
        if (seq instanceof Iterable<?> iterable) {
            List<Object> copy = new ArrayList<>();
            iterable.forEach(copy::add);
            return copy;
        }
        throw new ELException("'" + seq.getClass().getSimpleName() + "' object cannot be sliced");
    }

    /** The positions a slice selects, in order (CPython {@code PySlice_AdjustIndices}). */
    static int[] indices(int length, Integer start, Integer stop, int step) {
        int first = adjust(start, length, step, step < 0 ? length - 1 : 0);
        int end = adjust(stop, length, step, step < 0 ? -1 : length);
        int count;
        if (step > 0) {
            count = first < end ? (end - first - 1) / step + 1 : 0;
        } else {
            count = end < first ? (first - end - 1) / (-step) + 1 : 0;
        }
        int[] out = new int[count];
        for (int k = 0; k < count; k++) {
            out[k] = first + k * step;
        }
        return out;
    }

    private static int adjust(Integer index, int length, int step, int absent) {
        if (index == null) {
            return absent;
        }
        int i = index;
        if (i < 0) {
            i += length;
            if (i < 0) {
                i = step < 0 ? -1 : 0;
            }
        } else if (i >= length) {
            i = step < 0 ? length - 1 : length;
        }
        return i;
    }

    private static Integer sliceIndex(AstNode node, String field, Bindings bindings, ELContext context) {
        if (node == null) {
            return null;
        }
        Object value = node.eval(bindings, context);
        if (value == null) {
            return null; // Python allows None for any slice field
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            long l = n.longValue();
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l));
        }
        throw new ELException("slice " + field + " must be an integer or none, got " + value);
    }

    @Override
    public void appendStructure(StringBuilder b, Bindings bindings) {
        base.appendStructure(b, bindings);
        b.append('[');
        appendField(b, start, bindings);
        b.append(':');
        appendField(b, stop, bindings);
        b.append(':');
        appendField(b, step, bindings);
        b.append(']');
    }

    private static void appendField(StringBuilder b, AstNode node, Bindings bindings) {
        if (node != null) {
            node.appendStructure(b, bindings);
        }
    }

    @Override
    public int getCardinality() {
        return children().size();
    }

    @Override
    public AstNode getChild(int i) {
        List<AstNode> children = children();
        return i >= 0 && i < children.size() ? children.get(i) : null;
    }

    private List<AstNode> children() {
        return Stream.of(base, start, stop, step).filter(n -> n != null).toList();
    }

    @Override
    public String toString() {
        return "[::]";
    }
}
