package dev.llmstream.frontend.template;

import com.hubspot.jinjava.util.ObjectTruthValue;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;

/**
 * Python's {@code and}: the left operand when it is falsy (the right one is not evaluated),
 * otherwise the right operand, so {@code {{ name and name ~ ': ' }}} prints text, not "true".
 * Truthiness is Jinjava's ({@link ObjectTruthValue}), which follows Python's for the values
 * templates see (empty strings, lists and maps, zero, none are false).
 */
final class PyAnd implements AstBinary.Operator {
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
