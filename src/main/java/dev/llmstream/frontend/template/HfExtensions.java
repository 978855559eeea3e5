package dev.llmstream.frontend.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.lang.reflect.Method;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELException;

/**
 * What Hugging Face's chat-template environment adds to plain Jinja (transformers
 * {@code chat_template_utils}): the {@code raise_exception(msg)} and {@code strftime_now(fmt)}
 * globals, a {@code tojson} that behaves like {@code json.dumps} (see {@link PyJson}) instead of
 * Jinja's HTML-safe one, and the {@code {% generation %}} block (it marks assistant text for
 * training masks; rendering just emits its body).
 */
final class HfExtensions {
    private HfExtensions() {}

    /** Names that templates probe with {@code is defined} before calling them. */
    static final List<String> GLOBAL_FUNCTIONS = List.of("raise_exception", "strftime_now");

    /** Bound under each function's name so that {@code strftime_now is defined} holds, as in HF. */
    record FunctionName(String name) {
        @Override
        public String toString() {
            return "<function " + name + ">";
        }
    }

    static void register(Jinjava jinjava) {
        jinjava.registerFunction(function("raise_exception", "raiseException"));
        jinjava.registerFunction(function("strftime_now", "strftimeNow"));
        jinjava.registerFilter(new TojsonFilter());
        jinjava.registerTag(new GenerationTag());
    }

    private static ELFunctionDefinition function(String name, String method) {
        try {
            Method m = HfExtensions.class.getDeclaredMethod(method, Object.class);
            m.setAccessible(true); // this class is package-private; Jinjava invokes reflectively
            return new ELFunctionDefinition("", name, m);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code raise_exception(msg)}: aborts the render; the message becomes the error. */
    static Object raiseException(Object message) {
        String text = String.valueOf(message);
        RenderScope.current().raised(text);
        throw new ELException(text);
    }

    /** {@code strftime_now(fmt)}: the render clock's local time, C-locale names as in Python. */
    static Object strftimeNow(Object format) {
        if (!(format instanceof String fmt)) {
            throw new ELException("strftime_now() expects a format string, got " + format);
        }
        return StrftimeFormatter.format(ZonedDateTime.now(RenderScope.current().clock()), fmt, Locale.ENGLISH);
    }

    /**
     * {@code tojson(ensure_ascii=False, indent=None, separators=None, sort_keys=False)}, the
     * signature transformers gives it; positional arguments follow that order.
     */
    static final class TojsonFilter implements AdvancedFilter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            boolean ensureAscii = truthy(argument(args, kwargs, 0, "ensure_ascii"));
            String indent = indentUnit(argument(args, kwargs, 1, "indent"));
            List<String> separators = separators(argument(args, kwargs, 2, "separators"));
            boolean sortKeys = truthy(argument(args, kwargs, 3, "sort_keys"));
            try {
                return new PyJson(indent, separators, ensureAscii, sortKeys).write(var);
            } catch (IllegalArgumentException e) {
                throw new ELException("tojson: " + e.getMessage());
            }
        }

        private static Object argument(Object[] args, Map<String, Object> kwargs, int position, String name) {
            if (kwargs != null && kwargs.containsKey(name)) {
                return kwargs.get(name);
            }
            return args != null && position < args.length ? args[position] : null;
        }

        private static String indentUnit(Object indent) {
            return switch (indent) {
                case null -> null;
                case String s -> s;
                case Number n -> " ".repeat(Math.max(0, n.intValue()));
                default -> throw new ELException("tojson: indent must be an int or a string, got " + indent);
            };
        }

        private static List<String> separators(Object value) {
            if (value == null) {
                return null;
            }
            if (value instanceof Collection<?> c && c.size() == 2
                    && c.stream().allMatch(s -> s instanceof String)) {
                return c.stream().map(String.class::cast).toList();
            }
            throw new ELException("tojson: separators must be a pair of strings, got " + value);
        }

        private static boolean truthy(Object v) {
            return v instanceof Boolean b ? b : v instanceof Number n ? n.doubleValue() != 0 : v != null;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }
    }

    /** {@code {% generation %}...{% endgeneration %}}: emits its body unchanged. */
    static final class GenerationTag implements Tag {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder out = new StringBuilder();
            for (Node child : tagNode.getChildren()) {
                out.append(child.render(interpreter).getValue());
            }
            return out.toString();
        }
    }
}
