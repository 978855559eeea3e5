package dev.llmstream.frontend.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.TagNode;

/**
 * Applies, before Jinjava parses a template, the parts of Jinja's lexer that Jinjava gets wrong.
 * This is the one place a template's text is rewritten; each step produces exactly what Jinja's
 * lexer ({@code jinja2/lexer.py}) would, and is needed because Jinjava's tree parser, which
 * implements these rules, cannot be replaced or configured to follow them:
 * <ol>
 *   <li><b>Newlines</b>: Jinja turns {@code \r\n} and {@code \r} into {@code \n} in template data
 *       and string literals, and drops one trailing newline of the source
 *       ({@code keep_trailing_newline=False}); Jinjava does neither.</li>
 *   <li><b>{@code lstrip_blocks}</b>: Jinja strips spaces and tabs before a block tag or comment
 *       only when nothing else precedes it on its line. Jinjava strips them before <em>every</em>
 *       tag, so {@code {% if not loop.first %}, {% endif %}} loses its space. The rule is applied
 *       here (Jinjava's own lstrip is off); {@code {%+} disables it for one tag, as in Jinja.</li>
 *   <li><b>Comments</b>: a Jinja comment is a token like a block tag ({@code trim_blocks},
 *       {@code lstrip_blocks} and its {@code -} markers apply to it) and a barrier: a neighbouring
 *       tag's {@code -} strips only up to it. Jinjava drops comments before applying whitespace
 *       control, so whitespace on the far side is stripped too (Cohere's tool template loses the
 *       indentation of its JSON after {@code {%- macro ... -%}} and a comment line). Each comment
 *       becomes {@code {%<markers> _llmstream_comment <markers>%}}, a tag rendering nothing, which
 *       Jinja treats identically for whitespace; the comment's newlines stay inside the tag so
 *       error line numbers still match the source.</li>
 *   <li><b>{@code +%}}</b> (keep the newline after a tag despite {@code trim_blocks}) is not
 *       understood by Jinjava; it becomes {@code %}{{ '' }}}, which keeps that newline.</li>
 * </ol>
 * The scan follows Jinja's token structure: tags and comments are recognised only in template
 * text, never inside {@code {{ }}} or {@code {% %}} (whose string literals may contain {@code {#}),
 * and {@code {% raw %}} blocks are copied verbatim.
 */
final class JinjaLexerPass {
    static final String COMMENT_TAG = "_llmstream_comment";

    private final String source;
    private final StringBuilder out;
    /** Start in {@link #out} of the template text after the last tag, expression or comment. */
    private int textStart;

    private JinjaLexerPass(String source) {
        String normalised = source.replace("\r\n", "\n").replace('\r', '\n');
        this.source = normalised.endsWith("\n") ? normalised.substring(0, normalised.length() - 1) : normalised;
        this.out = new StringBuilder(this.source.length() + 64);
    }

    static String apply(String source) {
        return new JinjaLexerPass(source).run();
    }

    private String run() {
        int i = 0;
        while (i < source.length()) {
            int open = source.indexOf('{', i);
            if (open < 0 || open + 1 >= source.length()) {
                out.append(source, i, source.length());
                break;
            }
            out.append(source, i, open);
            i = switch (source.charAt(open + 1)) {
                case '#' -> comment(open);
                case '%' -> tag(open);
                case '{' -> copyToken(open, "}}");
                default -> {
                    out.append('{');
                    yield open + 1;
                }
            };
        }
        return out.toString();
    }

    /** {@code {% ... %}}: lstrip, the {@code +} markers, and raw blocks. */
    private int tag(int open) {
        char marker = open + 2 < source.length() ? source.charAt(open + 2) : 0;
        if (marker != '+' && marker != '-') {
            lstrip();
        }
        int bodyStart = open + (marker == '+' ? 3 : 2);
        if (isRawStart(bodyStart)) {
            return copyRaw(open, bodyStart);
        }
        int end = tokenEnd(bodyStart, "%}");
        if (end < 0) {
            out.append(source, open, source.length()); // unclosed: Jinjava reports it
            return source.length();
        }
        boolean keepNewline = end - 1 >= bodyStart && source.charAt(end - 1) == '+';
        out.append("{%").append(source, bodyStart, keepNewline ? end - 1 : end).append("%}");
        if (keepNewline) {
            out.append("{{ '' }}");
        }
        textStart = out.length();
        return end + 2;
    }

    private int comment(int open) {
        int close = source.indexOf("#}", open + 2);
        if (close < 0) {
            out.append(source, open, source.length());
            return source.length();
        }
        String body = source.substring(open + 2, close);
        char first = body.isEmpty() ? 0 : body.charAt(0);
        if (first != '+' && first != '-') {
            lstrip();
        }
        String left = first == '-' ? "-" : "";
        boolean rightTrim = body.length() > (first == '-' || first == '+' ? 1 : 0) && body.endsWith("-");
        boolean keepNewline = body.length() > 1 && body.endsWith("+");
        out.append("{%").append(left).append(' ').append(COMMENT_TAG).append(' ');
        body.chars().filter(c -> c == '\n').forEach(c -> out.append('\n'));
        out.append(rightTrim ? "-%}" : "%}");
        if (keepNewline) {
            out.append("{{ '' }}");
        }
        textStart = out.length();
        return close + 2;
    }

    /** Removes the spaces/tabs before a tag when they are all that precedes it on its line. */
    private void lstrip() {
        int lineStart = out.lastIndexOf("\n") + 1;
        if (lineStart < textStart) {
            return; // the line began before this text: a tag or expression precedes on the line
        }
        for (int k = lineStart; k < out.length(); k++) {
            char c = out.charAt(k);
            if (c != ' ' && c != '\t' && c != '\f' && c != '\u000b') {
                return;
            }
        }
        out.setLength(lineStart);
    }

    /** Copies a {@code {{ }}} expression verbatim. */
    private int copyToken(int open, String endMarker) {
        int end = tokenEnd(open + 2, endMarker);
        int stop = end < 0 ? source.length() : end + endMarker.length();
        out.append(source, open, stop);
        textStart = out.length();
        return stop;
    }

    /** Index of {@code endMarker} closing a token whose body starts at {@code from}, skipping strings. */
    private int tokenEnd(int from, String endMarker) {
        char quote = 0;
        for (int i = from; i < source.length(); i++) {
            char c = source.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (source.startsWith(endMarker, i)) {
                return i;
            }
        }
        return -1;
    }

    private boolean isRawStart(int bodyStart) {
        int i = bodyStart;
        if (i < source.length() && source.charAt(i) == '-') {
            i++;
        }
        while (i < source.length() && Character.isWhitespace(source.charAt(i))) {
            i++;
        }
        return source.startsWith("raw", i)
                && (i + 3 >= source.length() || !Character.isLetterOrDigit(source.charAt(i + 3)));
    }

    /** {@code {% raw %}...{% endraw %}}: copied verbatim, its content is text. */
    private int copyRaw(int open, int bodyStart) {
        int endRaw = source.indexOf("endraw", bodyStart);
        int close = endRaw < 0 ? -1 : source.indexOf("%}", endRaw);
        int stop = close < 0 ? source.length() : close + 2;
        out.append("{%").append(source, bodyStart, stop);
        textStart = out.length();
        return stop;
    }

    /** The tag comments become: renders nothing, has no end tag. */
    static final class CommentTag implements Tag {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return COMMENT_TAG;
        }

        @Override
        public String getEndTagName() {
            return null;
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            return "";
        }
    }
}
