package dev.llmstream.frontend.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.Node;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.de.odysseus.el.tree.impl.Builder.Feature;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ExpressionFactory;

/**
 * One Jinjava instance configured to behave like the Jinja environment Hugging Face renders chat
 * templates in ({@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)} with
 * loop controls), which is also what llama.cpp's own engine imitates. Everything is registered at
 * construction and never changed afterwards, so the instance is shared by all templates and
 * threads; each render gets its own interpreter and context.
 *
 * <p>Jinjava options and why:
 * <ul>
 *   <li>trim_blocks / lstrip_blocks: HF's settings; lstrip_blocks, comments, newline
 *       normalisation and the trailing newline are handled by {@link JinjaLexerPass}.</li>
 *   <li>natural operator precedence: Python's precedence of {@code |} filters and {@code is} tests;
 *       {@link PyExpressionParser} also depends on it.</li>
 *   <li>trimming for expressions and comments: without it {@code {{- x }}} does not strip the
 *       indentation before it, which every indented template (Qwen3, Llama 3.1) relies on.</li>
 *   <li>strict whitespace-control parsing, map iteration over keys, evaluated dict-literal keys,
 *       none-valued loop items kept, adjacent text nodes not merged (a {@code -} marker strips
 *       only the text next to it): Jinja2 semantics.</li>
 *   <li>trailing newline kept in the output: Jinja2 drops a single trailing newline of the
 *       <em>source</em> ({@link JinjaLexerPass}); Jinjava's own option strips it from the output
 *       instead, which would eat a template's final {@code '\n'}.</li>
 *   <li>nested interpretation off: Jinjava would otherwise render {@code {{ ... }}} found in an
 *       expression's <em>output</em> again, i.e. execute template code sent in a user message.</li>
 *   <li>{@code include}/{@code import}/{@code from}/{@code extends} disabled: a chat template is
 *       one self-contained string and must not load anything from the classpath.</li>
 * </ul>
 */
final class JinjaEnvironment {
    /**
     * Bounds a hostile or broken template's output and any string it builds (HF and llama.cpp have
     * no limit; we are a server). Far above any context window: 1M tokens are ~4M characters.
     */
    static final long MAX_OUTPUT_CHARS = 32L << 20;

    static final JinjaEnvironment INSTANCE = new JinjaEnvironment();

    private final JinjavaConfig config;
    private final Jinjava jinjava;
    /**
     * Idle copies of the global context (builtins plus ours), each used by one render at a time as
     * the parent of that render's variables. Copying the global context registers every builtin
     * filter, test, tag and function again, which cost ~200 us per render; a pool keeps that to
     * once per concurrently rendering thread. After each render the copy is {@code reset()}: the
     * bookkeeping Jinjava pushes up to parent contexts (resolved expression names) is cleared, so
     * nothing accumulates or leaks between renders.
     */
    private final ConcurrentLinkedDeque<Context> idleBaseContexts = new ConcurrentLinkedDeque<>();

    private JinjaEnvironment() {
        LegacyOverrides python = LegacyOverrides.newBuilder()
                .withUseNaturalOperatorPrecedence(true)
                .withUseTrimmingForNotesAndExpressions(true)
                .withParseWhitespaceControlStrictly(true)
                .withIterateOverMapKeys(true)
                .withEvaluateMapKeys(true)
                .withKeepNullableLoopValues(true)
                .withAllowAdjacentTextNodes(true)
                .withUsePyishObjectMapper(true)
                .withDefaultKeepTrailingNewlineBehavior(true)
                .build();
        CompositeELResolver resolvers = new CompositeELResolver();
        resolvers.add(new PyStringMethods());
        resolvers.add(new PyForTag.LoopItemProperties());
        resolvers.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(false) // applied by JinjaLexerPass, Jinjava's rule is wrong
                .withLegacyOverrides(python)
                .withElResolver(resolvers)
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withMaxStringLength(MAX_OUTPUT_CHARS)
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(64)
                .withFailOnUnknownTokens(false)
                .withNestedInterpretationEnabled(false)
                .withEnableFilterChainOptimization(false)
                .withDisabled(Map.of(Context.Library.TAG, Set.of("include", "import", "from", "extends")))
                .build();
        jinjava = new PythonicJinjava(config);
        jinjava.registerTag(new PyForTag());
        jinjava.registerTag(new JinjaLexerPass.CommentTag());
        PyBuiltins.register(jinjava);
        HfExtensions.register(jinjava);
    }

    /**
     * Parses {@code source} once into a tree that {@link #render} can reuse from any thread.
     * Tag-level errors (unknown or unclosed tags) surface here; expression errors at render time.
     */
    Node parse(String source) {
        Context base = borrowBaseContext();
        try {
            JinjavaInterpreter interpreter = newInterpreter(base, Map.of());
            Node root = interpreter.parse(JinjaLexerPass.apply(source));
            failOnFatal(interpreter.getErrorsCopy(), null, "invalid chat template");
            return root;
        } finally {
            returnBaseContext(base);
        }
    }

    /**
     * Renders a parsed tree with {@code bindings} as the template's variables.
     *
     * @throws ChatTemplateException on {@code raise_exception} or any fatal template error
     */
    String render(Node root, Map<String, Object> bindings, Clock clock) {
        RenderScope scope = new RenderScope(clock);
        Context base = borrowBaseContext();
        try {
            return scope.run(() -> {
                // render() makes the interpreter current, as the expression parser and functions need
                JinjavaInterpreter interpreter = newInterpreter(base, bindings);
                String out;
                try {
                    out = interpreter.render(root);
                } catch (RuntimeException e) {
                    // Jinjava reports nearly everything as errors; this is its last-resort path.
                    throw new ChatTemplateException("chat template failed: " + rootMessage(e), e);
                }
                failOnFatal(interpreter.getErrorsCopy(), scope.raisedMessage(), "chat template failed");
                return out;
            });
        } finally {
            returnBaseContext(base);
        }
    }

    private JinjavaInterpreter newInterpreter(Context base, Map<String, ?> bindings) {
        Context context = new Context(base, bindings, config.getDisabled());
        return new PythonicInterpreter(jinjava, context, config);
    }

    private Context borrowBaseContext() {
        Context base = idleBaseContexts.pollFirst();
        return base != null ? base : jinjava.getGlobalContextCopy();
    }

    private void returnBaseContext(Context base) {
        base.reset();
        idleBaseContexts.offerFirst(base);
    }

    private static void failOnFatal(List<TemplateError> errors, String raised, String what) {
        if (raised != null) {
            throw new ChatTemplateException(raised);
        }
        for (TemplateError e : errors) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                String where = e.getLineno() > 0 ? " (line " + e.getLineno() + ")" : "";
                throw new ChatTemplateException(what + where + ": " + withoutExceptionName(e.getMessage()));
            }
        }
    }

    /** "OutputTooBigException: 41943040 byte output..." reads better without Java class names. */
    private static String withoutExceptionName(String message) {
        return message == null ? "" : message.replaceAll("\\b[A-Za-z_.]*(Exception|Error): ", "");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /**
     * Prints {@code {{ value }}} the way Python's {@code str()} does for booleans, numbers and
     * containers ({@code True}, {@code 1e+20}, {@code {'a': None}}); Jinjava would print
     * {@code true} and Java number formats. Strings print as they are and an undefined or none
     * value prints nothing (Jinjava cannot tell the two apart; undefined is the common case).
     */
    private static final class PythonicInterpreter extends JinjavaInterpreter {
        PythonicInterpreter(Jinjava jinjava, Context context, JinjavaConfig config) {
            super(jinjava, context, config);
        }

        @Override
        public String getAsString(Object value) {
            return switch (value) {
                case null -> "";
                case String s -> s;
                case Boolean b -> PyRepr.str(b);
                case Double d -> PyRepr.str(d);
                case Float f -> PyRepr.str(f);
                case Map<?, ?> m -> PyRepr.str(m);
                case Collection<?> c -> PyRepr.str(c);
                default -> super.getAsString(value);
            };
        }
    }

    /** Jinjava with {@link PyExpressionParser} as its expression parser. */
    private static final class PythonicJinjava extends Jinjava {
        private final ExpressionFactory expressions = new SliceAwareExpressionFactory();

        PythonicJinjava(JinjavaConfig config) {
            super(config);
        }

        @Override
        public ExpressionFactory getExpressionFactory() {
            return expressions;
        }
    }

    /** JUEL's factory (parsed-expression cache included) building trees with our parser. */
    private static final class SliceAwareExpressionFactory extends ExpressionFactoryImpl {
        SliceAwareExpressionFactory() {
            super(cacheSize(), new TruthyTypeConverter());
        }

        private static Properties cacheSize() {
            Properties p = new Properties();
            p.setProperty(ExpressionFactoryImpl.PROP_CACHE_SIZE, "4096");
            return p;
        }

        @Override
        protected TreeBuilder createTreeBuilder(Properties properties, Feature... features) {
            return new PyExpressionParser.SyntaxBuilder(features);
        }
    }
}
