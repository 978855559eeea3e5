package dev.llmstream.frontend.template;

import com.hubspot.jinjava.el.ext.NamedParameter;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ELResolver;

/**
 * Python {@code str} methods on Java strings: {@code content.startswith('<tool_response>')},
 * {@code content.split('</think>')[-1].lstrip('\n')}. Chat templates are written against Python
 * strings; Jinjava would otherwise look for same-named Java methods and fail. Registered first in
 * Jinjava's resolver chain, it answers only calls on a {@link String} whose method name it knows and
 * leaves everything else to Jinjava. Semantics follow the Python 3 documentation of {@code str};
 * a call Python would reject (wrong argument type or count) fails with a Python-like message.
 */
final class PyStringMethods extends ELResolver {

    static final Set<String> METHODS = Set.of(
            "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith",
            "replace", "upper", "lower", "title", "capitalize", "swapcase", "find", "rfind", "index",
            "rindex", "count", "join", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower",
            "removeprefix", "removesuffix", "format");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || !(method instanceof String name) || !METHODS.contains(name)) {
            return null;
        }
        Object result = call(s, name, params == null ? new Object[0] : params);
        context.setPropertyResolved(true);
        return result;
    }

    static Object call(String s, String name, Object[] args) {
        return switch (name) {
            case "strip" -> PyStrings.strip(s, chars(name, args), true, true);
            case "lstrip" -> PyStrings.strip(s, chars(name, args), true, false);
            case "rstrip" -> PyStrings.strip(s, chars(name, args), false, true);
            case "split" -> PyStrings.split(s, optString(name, args, 0), maxSplit(name, args), false);
            case "rsplit" -> PyStrings.split(s, optString(name, args, 0), maxSplit(name, args), true);
            case "splitlines" -> PyStrings.splitLines(s, args.length > 0 && truthy(args[0]));
            case "startswith" -> affix(name, args).stream().anyMatch(s::startsWith);
            case "endswith" -> affix(name, args).stream().anyMatch(s::endsWith);
            case "replace" -> PyStrings.replace(s, string(name, args, 0), string(name, args, 1),
                    args.length > 2 ? intArg(name, args[2]) : -1);
            case "upper" -> noArgs(name, args, s.toUpperCase(Locale.ROOT));
            case "lower" -> noArgs(name, args, s.toLowerCase(Locale.ROOT));
            case "title" -> noArgs(name, args, PyStrings.title(s));
            case "capitalize" -> noArgs(name, args, PyStrings.capitalize(s));
            case "swapcase" -> noArgs(name, args, PyStrings.swapCase(s));
            case "find" -> PyStrings.codePointIndex(s, s.indexOf(string(name, args, 0)));
            case "rfind" -> PyStrings.codePointIndex(s, s.lastIndexOf(string(name, args, 0)));
            case "index", "rindex" -> {
                String sub = string(name, args, 0);
                int at = name.equals("index") ? s.indexOf(sub) : s.lastIndexOf(sub);
                if (at < 0) {
                    throw new ELException("substring not found: " + sub);
                }
                yield PyStrings.codePointIndex(s, at);
            }
            case "count" -> PyStrings.count(s, string(name, args, 0));
            case "join" -> join(s, args);
            case "isdigit" -> noArgs(name, args, PyStrings.allMatch(s, Character::isDigit));
            case "isalpha" -> noArgs(name, args, PyStrings.allMatch(s, Character::isLetter));
            case "isalnum" -> noArgs(name, args, PyStrings.allMatch(s, Character::isLetterOrDigit));
            case "isspace" -> noArgs(name, args, PyStrings.allMatch(s, PyStrings::isSpace));
            case "isupper" -> noArgs(name, args, PyStrings.isUpper(s));
            case "islower" -> noArgs(name, args, PyStrings.isLower(s));
            case "removeprefix" -> {
                String p = string(name, args, 0);
                yield s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix" -> {
                String p = string(name, args, 0);
                yield s.endsWith(p) && !p.isEmpty() ? s.substring(0, s.length() - p.length()) : s;
            }
            case "format" -> format(s, args);
            default -> throw new IllegalStateException("unhandled str method " + name);
        };
    }

    /** {@code str.format}: keyword arguments arrive as Jinjava {@link NamedParameter}s. */
    private static String format(String template, Object[] args) {
        List<Object> positional = new ArrayList<>();
        Map<String, Object> named = new HashMap<>();
        for (Object a : args) {
            if (a instanceof NamedParameter p) {
                named.put(p.getName(), p.getValue());
            } else {
                positional.add(a);
            }
        }
        return PyStrings.format(template, positional, named);
    }

    private static Object noArgs(String name, Object[] args, Object result) {
        if (args.length != 0) {
            throw new ELException("str." + name + "() takes no arguments (" + args.length + " given)");
        }
        return result;
    }

    private static String chars(String name, Object[] args) {
        return optString(name, args, 0);
    }

    private static int maxSplit(String name, Object[] args) {
        return args.length > 1 && args[1] != null ? intArg(name, args[1]) : -1;
    }

    private static String string(String name, Object[] args, int i) {
        if (i >= args.length || !(args[i] instanceof String v)) {
            throw new ELException("str." + name + "() argument " + (i + 1) + " must be a string, got "
                    + (i >= args.length ? "nothing" : describe(args[i])));
        }
        return v;
    }

    private static String optString(String name, Object[] args, int i) {
        return i >= args.length || args[i] == null ? null : string(name, args, i);
    }

    private static int intArg(String name, Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw new ELException("str." + name + "() expects an integer, got " + describe(v));
    }

    /** {@code startswith}/{@code endswith} take one string or a tuple of strings. */
    private static List<String> affix(String name, Object[] args) {
        if (args.length != 1) {
            throw new ELException("str." + name + "() supports exactly one argument here, got " + args.length);
        }
        if (args[0] instanceof String one) {
            return List.of(one);
        }
        if (args[0] instanceof Collection<?> many) {
            List<String> out = new ArrayList<>();
            for (Object o : many) {
                if (!(o instanceof String str)) {
                    throw new ELException("tuple for " + name + " must only contain str, not " + describe(o));
                }
                out.add(str);
            }
            return out;
        }
        throw new ELException(name + " first arg must be str or a tuple of str, not " + describe(args[0]));
    }

    private static String join(String separator, Object[] args) {
        if (args.length != 1 || !(args[0] instanceof Iterable<?> items)) {
            throw new ELException("str.join() takes one iterable argument");
        }
        StringBuilder out = new StringBuilder();
        Iterator<?> it = items.iterator();
        for (int i = 0; it.hasNext(); i++) {
            Object item = it.next();
            if (!(item instanceof String str)) {
                throw new ELException("sequence item " + i + ": expected str instance, " + describe(item) + " found");
            }
            if (i > 0) {
                out.append(separator);
            }
            out.append(str);
        }
        return out.toString();
    }

    private static boolean truthy(Object v) {
        return v instanceof Boolean b ? b : v instanceof Number n ? n.doubleValue() != 0 : v != null;
    }

    private static String describe(Object v) {
        return v == null ? "none" : v.getClass().getSimpleName();
    }

    // The resolver only invokes methods; property access on strings stays with Jinjava.

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // not handled here
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
