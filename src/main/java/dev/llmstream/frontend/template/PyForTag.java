package dev.llmstream.frontend.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.ForLoop;
import com.hubspot.jinjava.util.ObjectIterator;
import com.hubspot.jinjava.util.ObjectTruthValue;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Jinjava's {@code for} tag plus the Jinja features it lacks:
 * <ul>
 *   <li>the loop filter, {@code {% for k, v in args.items() if v is not none %}} (MiniMax). As in
 *       Jinja the filter runs before the loop, so {@code loop.index}, {@code loop.length} and
 *       {@code loop.last} count only the kept items. Jinja's grammar does not allow an
 *       unparenthesised conditional expression as the iterable, so the first top-level {@code if}
 *       of the loop expression always starts the filter.</li>
 *   <li>{@code {% for %}...{% else %}...{% endfor %}}: the else branch renders when nothing was
 *       iterated (Jinjava would render it after every item's body).</li>
 *   <li>{@code loop.previtem} / {@code loop.nextitem} (Qwen3-Coder, Qwen3.5 and Nemotron use
 *       {@code loop.previtem.role} to group tool results): the items are materialised and made
 *       visible to {@link LoopItemProperties} through the {@link RenderScope}.</li>
 * </ul>
 * Items are materialised the way Jinjava iterates: collections and arrays in order, mappings by
 * key, none as nothing, any other value as a single item.
 */
final class PyForTag extends ForTag {
    private static final long serialVersionUID = 1L;

    @Override
    public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
        var varsAndExpression = getLoopVarsAndExpression((TagToken) tagNode.getMaster());
        List<String> loopVars = varsAndExpression.getLeft();
        String expression = varsAndExpression.getRight();
        int split = topLevelIf(expression);
        String iterable = split < 0 ? expression : expression.substring(0, split).trim();
        List<Object> items = materialise(interpreter.resolveELExpression(iterable, tagNode.getLineNumber()));
        if (split >= 0) {
            items = keep(items, expression.substring(split + 2).trim(), loopVars, tagNode, interpreter);
        }
        int elseAt = elseIndex(tagNode);
        if (elseAt >= 0 && items.isEmpty()) {
            return renderNodes(tagNode.getChildren().subList(elseAt + 1, tagNode.getChildren().size()), interpreter);
        }
        TagNode body = elseAt < 0 ? tagNode : bodyOnly(tagNode, elseAt);
        List<Object> loopItems = items;
        return RenderScope.current().inLoop(loopItems,
                () -> renderForCollection(body, interpreter, loopVars, loopItems));
    }

    /** Position of a {@code {% else %}} directly inside this loop, or -1. */
    private static int elseIndex(TagNode tagNode) {
        List<Node> children = tagNode.getChildren();
        for (int i = 0; i < children.size(); i++) {
            if (children.get(i) instanceof TagNode t && "else".equals(t.getTag().getName())) {
                return i;
            }
        }
        return -1;
    }

    /** A copy of the loop node without its else branch (the shared tree is never modified). */
    private TagNode bodyOnly(TagNode tagNode, int elseAt) {
        TagNode body = new TagNode(this, (TagToken) tagNode.getMaster(), tagNode.getSymbols());
        body.getChildren().addAll(tagNode.getChildren().subList(0, elseAt));
        return body;
    }

    private static String renderNodes(List<Node> nodes, JinjavaInterpreter interpreter) {
        StringBuilder out = new StringBuilder();
        for (Node node : nodes) {
            out.append(node.render(interpreter).getValue());
        }
        return out.toString();
    }

    private static List<Object> materialise(Object collection) {
        List<Object> items = new ArrayList<>();
        ForLoop it = ObjectIterator.getLoop(collection);
        while (it.hasNext()) {
            items.add(it.next());
        }
        return items;
    }

    private static List<Object> keep(List<Object> items, String condition, List<String> loopVars,
            TagNode tagNode, JinjavaInterpreter interpreter) {
        List<Object> kept = new ArrayList<>();
        try (JinjavaInterpreter.InterpreterScopeClosable _ = interpreter.enterScope()) {
            for (Object raw : items) {
                Object item = interpreter.wrap(raw);
                bind(interpreter, loopVars, item);
                if (ObjectTruthValue.evaluate(interpreter.resolveELExpression(condition, tagNode.getLineNumber()))) {
                    kept.add(raw);
                }
            }
        }
        return kept;
    }

    /** Binds the loop variables for one item, unpacking pairs like {@code for k, v in ...}. */
    private static void bind(JinjavaInterpreter interpreter, List<String> loopVars, Object item) {
        if (loopVars.size() == 1) {
            interpreter.getContext().put(loopVars.get(0), item);
            return;
        }
        List<?> parts = switch (item) {
            case Map.Entry<?, ?> e -> Arrays.asList(e.getKey(), e.getValue());
            case List<?> l -> l;
            default -> List.of();
        };
        for (int i = 0; i < loopVars.size(); i++) {
            interpreter.getContext().put(loopVars.get(i), i < parts.size() ? parts.get(i) : null);
        }
    }

    /** Index of the first {@code if} keyword outside quotes and brackets, or -1. */
    static int topLevelIf(String expression) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && expression.startsWith("if", i) && isBoundary(expression, i - 1)
                    && isBoundary(expression, i + 2)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBoundary(String s, int i) {
        return i < 0 || i >= s.length() || !Character.isJavaIdentifierPart(s.charAt(i));
    }

    /**
     * {@code loop.previtem} and {@code loop.nextitem} (Jinja 2.10+), which Jinjava's loop object lacks:
     * the item before/after the current one, undefined at the ends. The items come from the innermost
     * loop {@link PyForTag} is rendering; in Jinja {@code loop} always names the innermost loop, so the
     * two agree.
     */
    static final class LoopItemProperties extends ELResolver {

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            if (!(base instanceof ForLoop loop) || !("previtem".equals(property) || "nextitem".equals(property))) {
                return null;
            }
            context.setPropertyResolved(true);
            List<Object> items = RenderScope.current().innermostLoop();
            if (items == null) {
                return null;
            }
            int at = loop.getIndex0() + ("previtem".equals(property) ? -1 : 1);
            return at >= 0 && at < items.size() ? items.get(at) : null;
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return null;
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {
            // read-only
        }

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return true;
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
}
