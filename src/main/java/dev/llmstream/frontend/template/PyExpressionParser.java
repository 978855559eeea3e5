package dev.llmstream.frontend.template;

import static jinjava.de.odysseus.el.tree.impl.Builder.Feature.METHOD_INVOCATIONS;
import static jinjava.de.odysseus.el.tree.impl.Builder.Feature.NULL_PROPERTIES;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.AND;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.COLON;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.EXTENSION;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.IDENTIFIER;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.LPAREN;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.MINUS;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.NOT;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.PLUS;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.RBRACK;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AbsOperator;
import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.NamedParameterOperator;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.util.ObjectTruthValue;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.Builder.Feature;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser.ExtensionPoint;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner.ScanException;
import jinjava.de.odysseus.el.tree.impl.Scanner.Token;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;

/**
 * Jinjava's expression parser corrected where it departs from Jinja's (Python's) grammar in ways
 * real chat templates hit. Each fix overrides one grammar level of the recursive-descent parser;
 * everything else is Jinjava's.
 * <ul>
 *   <li><b>Slices</b>: Jinjava parses {@code x[a]} and {@code x[a:b]} but not the step field, so
 *       {@code messages[::-1]} (Qwen2.5/Qwen3 walk the history backwards with it) fails. The postfix
 *       part of {@code value()} is re-implemented here and every slice becomes an {@link AstSlice}
 *       with Python semantics.</li>
 *   <li><b>{@code not}</b>: Jinja parses {@code not} below the comparisons ({@code not a in b} is
 *       {@code not (a in b)}, {@code not x is defined} is {@code not (x is defined)}); JUEL binds it
 *       like unary minus. A {@code not} level is inserted between {@code and} and {@code ==}.</li>
 *   <li><b>{@code and}</b>: Python's {@code a and b} yields an operand, not a boolean
 *       ({@link PyAnd}); Jinjava already does the same for {@code or}.</li>
 *   <li><b>{@code n+1}</b>: Jinjava's scanner reads {@code +} directly before a digit as unary plus,
 *       so {@code loop.index0+1} is a syntax error; after an operand it is read as addition.</li>
 *   <li><b>Unknown filters and tests</b>: Jinjava renders {@code x|no_such_filter} as nothing and
 *       reports no error; Jinja fails ("No filter named ..."). A template relying on a filter we
 *       lack must fail loudly, not render a silently different prompt, so the name is checked
 *       against the registry when the expression is parsed.</li>
 *   <li><b>Keyword arguments</b>: {@code namespace(last=messages|length - 1)} binds the whole
 *       expression to {@code last}; Jinjava binds {@code =} at the additive level, giving
 *       {@code (last=messages|length) - 1}.</li>
 * </ul>
 *
 * <p>It relies on Jinjava's "natural operator precedence" mode (set by {@link JinjaEnvironment}):
 * in that mode filters ({@code |f}) and tests ({@code is t}) are parsed by the caller of
 * {@code value()}, so returning the postfix expression there loses nothing.
 */
final class PyExpressionParser extends ExtendedParser {

    PyExpressionParser(Builder context, String input) {
        super(context, input);
    }

    /** Plugged into Jinjava's expression factory in place of {@link ExtendedSyntaxBuilder}. */
    static final class SyntaxBuilder extends ExtendedSyntaxBuilder {
        private static final long serialVersionUID = 1L;

        SyntaxBuilder(Feature... features) {
            super(features);
        }

        @Override
        protected Parser createParser(String expression) {
            return new PyExpressionParser(this, expression);
        }
    }

    @Override
    protected AstNode and(boolean required) throws ScanException, ParseException {
        AstNode v = not(required);
        if (v == null) {
            return null;
        }
        while (true) {
            Token t = getToken();
            if (t.getSymbol() == AND) {
                consumeToken();
                v = createAstBinary(v, not(true), PyAnd.OP);
            } else if (t.getSymbol() == EXTENSION && getExtensionHandler(t).getExtensionPoint() == ExtensionPoint.AND) {
                v = getExtensionHandler(consumeToken()).createAstNode(v, not(true));
            } else {
                return v;
            }
        }
    }

    /** Jinja's {@code not} level: between {@code and} and the comparisons. */
    private AstNode not(boolean required) throws ScanException, ParseException {
        if (getToken().getSymbol() == NOT) {
            consumeToken();
            return createAstUnary(not(true), AstUnary.NOT);
        }
        return eq(required);
    }

    @Override
    protected AstNode add(boolean required) throws ScanException, ParseException {
        AstNode v = mul(required);
        if (v == null) {
            return null;
        }
        while (true) {
            Token t = getToken();
            if (t.getSymbol() == PLUS || t == AbsOperator.TOKEN) {
                consumeToken();
                v = createAstBinary(v, mul(true), AdditionOperator.OP);
            } else if (t.getSymbol() == MINUS) {
                consumeToken();
                v = createAstBinary(v, mul(true), AstBinary.SUB);
            } else if (t == NamedParameterOperator.TOKEN) {
                consumeToken();
                v = getExtensionHandler(t).createAstNode(v, expr(true));
            } else if (t.getSymbol() == EXTENSION && getExtensionHandler(t).getExtensionPoint() == ExtensionPoint.ADD) {
                v = getExtensionHandler(consumeToken()).createAstNode(v, mul(true));
            } else {
                return v;
            }
        }
    }

    /**
     * Filters and tests are parsed as {@code filter:NAME.filter(...)} and
     * {@code exptest:NAME.evaluate(...)}: the one place their names pass through an overridable
     * factory method.
     */
    @Override
    protected AstDot createAstDot(AstNode prefix, String name, boolean lvalue) {
        if (prefix instanceof AstIdentifier id) {
            String ident = id.getName();
            JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
            if (interpreter != null && ident.startsWith(FILTER_PREFIX)
                    && interpreter.getContext().getFilter(ident.substring(FILTER_PREFIX.length())) == null) {
                throw new ELException("No filter named '" + ident.substring(FILTER_PREFIX.length()) + "'");
            }
            if (interpreter != null && ident.startsWith(EXPTEST_PREFIX)
                    && interpreter.getContext().getExpTest(ident.substring(EXPTEST_PREFIX.length())) == null) {
                throw new ELException("No test named '" + ident.substring(EXPTEST_PREFIX.length()) + "'");
            }
        }
        return super.createAstDot(prefix, name, lvalue);
    }

    @Override
    protected AstNode value() throws ScanException, ParseException {
        boolean lvalue = true;
        AstNode v = nonliteral();
        if (v == null) {
            v = literal();
            if (v == null) {
                return null;
            }
            lvalue = false;
        }
        while (true) {
            switch (getToken().getSymbol()) {
                case DOT -> {
                    consumeToken();
                    String name = consumeToken(IDENTIFIER).getImage();
                    AstDot dot = createAstDot(v, name, lvalue);
                    v = isCallFollowing() ? createAstMethod(dot, params()) : dot;
                }
                case LBRACK -> {
                    consumeToken();
                    v = subscript(v, lvalue);
                }
                default -> {
                    return v;
                }
            }
        }
    }

    /** After {@code [}: either an index {@code [i]} or a slice {@code [start:stop:step]}. */
    private AstNode subscript(AstNode base, boolean lvalue) throws ScanException, ParseException {
        AstNode start = getToken().getSymbol() == COLON ? null : expr(true);
        if (getToken().getSymbol() == RBRACK) {
            consumeToken();
            AstBracket bracket = createAstBracket(base, start, lvalue, !context.isEnabled(NULL_PROPERTIES));
            return isCallFollowing() ? createAstMethod(bracket, params()) : bracket;
        }
        consumeToken(COLON);
        AstNode stop = optionalSliceField();
        AstNode step = null;
        if (getToken().getSymbol() == COLON) {
            consumeToken();
            step = optionalSliceField();
        }
        consumeToken(RBRACK);
        return new AstSlice(base, start, stop, step);
    }

    private AstNode optionalSliceField() throws ScanException, ParseException {
        var symbol = getToken().getSymbol();
        return symbol == COLON || symbol == RBRACK ? null : expr(true);
    }

    private boolean isCallFollowing() {
        return getToken().getSymbol() == LPAREN && context.isEnabled(METHOD_INVOCATIONS);
    }

    /**
     * Python's {@code and}: the left operand when it is falsy (the right one is not evaluated),
     * otherwise the right operand, so {@code {{ name and name ~ ': ' }}} prints text, not "true".
     * Truthiness is Jinjava's ({@link ObjectTruthValue}), which follows Python's for the values
     * templates see (empty strings, lists and maps, zero, none are false).
     */
    static final class PyAnd implements AstBinary.Operator {
        static final PyAnd OP = new PyAnd();

        private PyAnd() {}

        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object l = left.eval(bindings, context);
            return ObjectTruthValue.evaluate(l) ? right.eval(bindings, context) : l;
        }

        @Override
        public String toString() {
            return "and";
        }
    }
}
