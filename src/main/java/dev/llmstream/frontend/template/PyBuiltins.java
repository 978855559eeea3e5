package dev.llmstream.frontend.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.collections.PyList;
import com.hubspot.jinjava.util.ObjectTruthValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELException;

/**
 * Jinja 3 builtins that Jinjava lacks or defines differently, in the variant chat templates rely on
 * (Jinja documentation, "List of Builtin Filters/Tests"):
 * <ul>
 *   <li>{@code |items}: a mapping's (key, value) pairs; Qwen3-Coder and Hermes iterate tool
 *       parameters with {@code for name, spec in props|items}. Undefined/none gives no pairs.</li>
 *   <li>{@code |string}: Python's {@code str()} ({@link PyRepr}).</li>
 *   <li>{@code |trim(chars)}: {@code str(value).strip(chars)}; an undefined value trims to the empty
 *       string (Hermes prints {@code spec.description|trim} for parameters without one).</li>
 *   <li>{@code |min} / {@code |max} ({@code case_sensitive=False}, {@code attribute=None}), missing
 *       from Jinjava; MiniCPM uses {@code |min}. An empty sequence gives undefined.</li>
 *   <li>{@code is iterable} / {@code is sequence}: true for strings too, as in Python. Llama 3.1
 *       decides {@code content is iterable} to call {@code tojson}, so a plain-string tool result is
 *       rendered quoted, like the model was trained.</li>
 *   <li>{@code is in}: Python's {@code in}, so {@code 'x' is in 'xyz'} is a substring test.</li>
 * </ul>
 */
final class PyBuiltins {
    private PyBuiltins() {}

    static void register(Jinjava jinjava) {
        jinjava.registerFilter(new ItemsFilter());
        jinjava.registerFilter(new StringFilter());
        jinjava.registerFilter(new TrimFilter());
        jinjava.registerFilter(new ExtremumFilter("min", -1));
        jinjava.registerFilter(new ExtremumFilter("max", 1));
        jinjava.registerExpTest(new ContainerTest("iterable"));
        jinjava.registerExpTest(new ContainerTest("sequence"));
        jinjava.registerExpTest(new InTest());
    }

    static final class ItemsFilter implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return new PyList(new ArrayList<>());
            }
            if (!(var instanceof Map<?, ?> map)) {
                throw new ELException("items filter needs a mapping, got " + var.getClass().getSimpleName());
            }
            List<Object> pairs = new ArrayList<>(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                pairs.add(new PyList(new ArrayList<>(Arrays.asList(e.getKey(), e.getValue()))));
            }
            return new PyList(pairs);
        }
    }

    static final class StringFilter implements Filter {
        @Override
        public String getName() {
            return "string";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PyRepr.str(var);
        }
    }

    static final class TrimFilter implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            String chars = args != null && args.length > 0 ? args[0] : null;
            return var == null ? "" : PyStrings.strip(PyRepr.str(var), chars, true, true);
        }
    }

    static final class ExtremumFilter implements AdvancedFilter {
        private final String name;
        private final int sign;

        ExtremumFilter(String name, int sign) {
            this.name = name;
            this.sign = sign;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            boolean caseSensitive = ObjectTruthValue.evaluate(kwargs.getOrDefault("case_sensitive",
                    args.length > 0 ? args[0] : false));
            Object attribute = kwargs.getOrDefault("attribute", args.length > 1 ? args[1] : null);
            Object best = null;
            Object bestKey = null;
            for (Object item : items(var)) {
                Object key = attribute == null ? item : interpreter.resolveProperty(item, String.valueOf(attribute));
                if (key instanceof String str && !caseSensitive) {
                    key = str.toLowerCase(Locale.ROOT);
                }
                if (best == null || sign * compare(key, bestKey) > 0) {
                    best = item;
                    bestKey = key;
                }
            }
            return best;
        }

        private Iterable<?> items(Object var) {
            return switch (var) {
                case null -> List.of();
                case Map<?, ?> map -> map.keySet();
                case Iterable<?> it -> it;
                case String str -> str.codePoints().mapToObj(Character::toString).toList();
                default -> throw new ELException(name + " filter needs a sequence, got " + var.getClass().getSimpleName());
            };
        }

        private int compare(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) {
                return Double.compare(x.doubleValue(), y.doubleValue());
            }
            if (a instanceof String x && b instanceof String y) {
                return x.compareTo(y);
            }
            throw new ELException(name + " filter cannot compare " + describe(a) + " with " + describe(b));
        }

        private static String describe(Object v) {
            return v == null ? "none" : v.getClass().getSimpleName();
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }
    }

    static final class InTest implements ExpTest {
        @Override
        public String getName() {
            return "in";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            Object container = args.length > 0 ? args[0] : null;
            return switch (container) {
                case String s -> var != null && s.contains(PyRepr.str(var));
                case Map<?, ?> m -> m.containsKey(var);
                case Collection<?> c -> c.contains(var)
                        || (var instanceof Number n && c.stream().anyMatch(o -> o instanceof Number x
                                && x.doubleValue() == n.doubleValue()));
                case null -> throw new ELException("argument of type 'NoneType' is not iterable");
                default -> throw new ELException("'in' needs a string, mapping or sequence, got "
                        + container.getClass().getSimpleName());
            };
        }
    }

    /** {@code iterable} and {@code sequence}: containers and strings (mappings included). */
    static final class ContainerTest implements ExpTest {
        private final String name;

        ContainerTest(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof CharSequence || var instanceof Collection<?> || var instanceof Map<?, ?>
                    || var instanceof Iterable<?> || (var != null && var.getClass().isArray());
        }
    }
}
