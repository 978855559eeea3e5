package dev.llmstream.frontend.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;
import jinjava.javax.el.ELException;

/**
 * The algorithms behind {@link PyStringMethods}, following the Python 3 {@code str} documentation.
 * Work is done on code points where Python's result depends on it (indices, case mapping), so text
 * outside the Basic Multilingual Plane behaves as in Python.
 */
final class PyStrings {
    private PyStrings() {}

    /** Python's {@code str.isspace()} per character: Unicode whitespace plus the C0 separators. */
    static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /** {@code strip}/{@code lstrip}/{@code rstrip}: {@code chars == null} means whitespace. */
    static String strip(String s, String chars, boolean left, boolean right) {
        IntPredicate drop = chars == null ? PyStrings::isSpace : cp -> chars.indexOf(Character.toString(cp)) >= 0;
        int start = 0;
        int end = s.length();
        while (left && start < end && drop.test(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (right && end > start && drop.test(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /**
     * {@code split}/{@code rsplit}. Without a separator, runs of whitespace separate words and
     * leading/trailing whitespace yields no empty strings; with one, every occurrence splits.
     * {@code maxSplit < 0} means no limit.
     */
    static List<String> split(String s, String sep, int maxSplit, boolean fromRight) {
        if (sep != null && sep.isEmpty()) {
            throw new ELException("empty separator");
        }
        int limit = maxSplit < 0 ? Integer.MAX_VALUE : maxSplit;
        List<String> parts = sep == null ? splitWhitespace(s, limit, fromRight) : splitExact(s, sep, limit, fromRight);
        if (fromRight) {
            Collections.reverse(parts);
        }
        return parts;
    }

    private static List<String> splitExact(String s, String sep, int limit, boolean fromRight) {
        List<String> parts = new ArrayList<>();
        if (fromRight) {
            int end = s.length();
            int at;
            while (parts.size() < limit && (at = s.lastIndexOf(sep, end - sep.length())) >= 0) {
                parts.add(s.substring(at + sep.length(), end));
                end = at;
            }
            parts.add(s.substring(0, end));
        } else {
            int start = 0;
            int at;
            while (parts.size() < limit && (at = s.indexOf(sep, start)) >= 0) {
                parts.add(s.substring(start, at));
                start = at + sep.length();
            }
            parts.add(s.substring(start));
        }
        return parts;
    }

    private static List<String> splitWhitespace(String s, int limit, boolean fromRight) {
        List<String> parts = new ArrayList<>();
        String rest = fromRight ? strip(s, null, false, true) : strip(s, null, true, false);
        while (!rest.isEmpty()) {
            if (parts.size() == limit) {
                parts.add(fromRight ? strip(rest, null, false, true) : strip(rest, null, true, false));
                break;
            }
            if (fromRight) {
                int end = rest.length();
                int i = end;
                while (i > 0 && !isSpace(rest.codePointBefore(i))) {
                    i -= Character.charCount(rest.codePointBefore(i));
                }
                parts.add(rest.substring(i, end));
                rest = strip(rest.substring(0, i), null, false, true);
            } else {
                int i = 0;
                while (i < rest.length() && !isSpace(rest.codePointAt(i))) {
                    i += Character.charCount(rest.codePointAt(i));
                }
                parts.add(rest.substring(0, i));
                rest = strip(rest.substring(i), null, true, false);
            }
        }
        return parts;
    }

    /** {@code splitlines}: the line boundaries of Python's {@code str.splitlines}. */
    static List<String> splitLines(String s, boolean keepEnds) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int eol = switch (c) {
                case '\r' -> i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1;
                case '\n', '\u000b', '\u000c', '\u001c', '\u001d', '\u001e', '\u0085', '\u2028', '\u2029' -> 1;
                default -> 0;
            };
            if (eol == 0) {
                i++;
                continue;
            }
            lines.add(s.substring(start, keepEnds ? i + eol : i));
            i += eol;
            start = i;
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    /** {@code replace(old, new, count)}; an empty {@code old} inserts between code points. */
    static String replace(String s, String old, String replacement, int count) {
        int limit = count < 0 ? Integer.MAX_VALUE : count;
        StringBuilder out = new StringBuilder();
        int done = 0;
        if (old.isEmpty()) {
            int i = 0;
            while (i <= s.length()) {
                if (done < limit) {
                    out.append(replacement);
                    done++;
                }
                if (i == s.length()) {
                    break;
                }
                int cp = s.codePointAt(i);
                out.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
            return out.toString();
        }
        int start = 0;
        int at;
        while (done < limit && (at = s.indexOf(old, start)) >= 0) {
            out.append(s, start, at).append(replacement);
            start = at + old.length();
            done++;
        }
        return out.append(s.substring(start)).toString();
    }

    /** Non-overlapping occurrences; the empty string occurs between every code point. */
    static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.codePointCount(0, s.length()) + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    /** A UTF-16 index as a Python (code point) index; -1 stays -1. */
    static int codePointIndex(String s, int charIndex) {
        return charIndex < 0 ? -1 : s.codePointCount(0, charIndex);
    }

    private static boolean isCased(int cp) {
        return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
    }

    /** Words start after any uncased character, e.g. {@code "they're".title() == "They'Re"}. */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            out.appendCodePoint(previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
            previousCased = isCased(cp);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** First character title-cased, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT))
                .toString();
    }

    static String swapCase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> out.appendCodePoint(
                Character.isUpperCase(cp) ? Character.toLowerCase(cp)
                        : Character.isLowerCase(cp) ? Character.toUpperCase(cp) : cp));
        return out.toString();
    }

    /**
     * {@code str.format} for the replacement fields templates use: {@code {}}, {@code {0}},
     * {@code {name}}, optionally with {@code !s} or {@code !r}; {@code {{}} and {@code }}} are
     * literal braces. Format specs and attribute/index lookups are rejected with a clear error.
     */
    static String format(String template, List<Object> positional, Map<String, Object> named) {
        StringBuilder out = new StringBuilder();
        int auto = 0;
        boolean manual = false;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '}') {
                if (i + 1 < template.length() && template.charAt(i + 1) == '}') {
                    i++;
                    out.append('}');
                    continue;
                }
                throw new ELException("Single '}' encountered in format string");
            }
            if (c != '{') {
                out.append(c);
                continue;
            }
            if (i + 1 < template.length() && template.charAt(i + 1) == '{') {
                i++;
                out.append('{');
                continue;
            }
            int close = template.indexOf('}', i);
            if (close < 0) {
                throw new ELException("Single '{' encountered in format string");
            }
            String field = template.substring(i + 1, close);
            i = close;
            char conversion = 's';
            int bang = field.indexOf('!');
            if (bang >= 0) {
                String conv = field.substring(bang + 1);
                if (!conv.equals("s") && !conv.equals("r")) {
                    throw new ELException("unsupported conversion in format field {" + field + "}");
                }
                conversion = conv.charAt(0);
                field = field.substring(0, bang);
            }
            if (field.contains(":") || field.contains(".") || field.contains("[")) {
                throw new ELException("format field {" + field + "} is not supported (only {}, {n}, {name})");
            }
            Object value;
            if (field.isEmpty()) {
                if (manual) {
                    throw new ELException("cannot switch from manual field specification to automatic field numbering");
                }
                value = positionalArg(positional, auto++);
            } else if (field.chars().allMatch(Character::isDigit)) {
                manual = true;
                value = positionalArg(positional, Integer.parseInt(field));
            } else {
                if (!named.containsKey(field)) {
                    throw new ELException("format field {" + field + "} has no keyword argument");
                }
                value = named.get(field);
            }
            out.append(conversion == 'r' ? PyRepr.repr(value) : PyRepr.str(value));
        }
        return out.toString();
    }

    private static Object positionalArg(List<Object> positional, int index) {
        if (index >= positional.size()) {
            throw new ELException("Replacement index " + index + " out of range for positional args tuple");
        }
        return positional.get(index);
    }

    /** Python's {@code isdigit()} etc.: false for the empty string. */
    static boolean allMatch(String s, IntPredicate p) {
        return !s.isEmpty() && s.codePoints().allMatch(p);
    }

    static boolean isUpper(String s) {
        return s.codePoints().anyMatch(PyStrings::isCased)
                && s.codePoints().noneMatch(cp -> Character.isLowerCase(cp) || Character.isTitleCase(cp));
    }

    static boolean isLower(String s) {
        return s.codePoints().anyMatch(PyStrings::isCased)
                && s.codePoints().noneMatch(cp -> Character.isUpperCase(cp) || Character.isTitleCase(cp));
    }
}
