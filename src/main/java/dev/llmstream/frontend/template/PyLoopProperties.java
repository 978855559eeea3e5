package dev.llmstream.frontend.template;

import com.hubspot.jinjava.util.ForLoop;
import java.beans.FeatureDescriptor;
import java.util.Iterator;
import java.util.List;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * {@code loop.previtem} and {@code loop.nextitem} (Jinja 2.10+), which Jinjava's loop object lacks:
 * the item before/after the current one, undefined at the ends. The items come from the innermost
 * loop {@link PyForTag} is rendering; in Jinja {@code loop} always names the innermost loop, so the
 * two agree.
 */
final class PyLoopProperties extends ELResolver {

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
