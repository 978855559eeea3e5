package dev.llmstream.frontend.template;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Per-render state that template functions need: the clock behind {@code strftime_now}, the
 * message of the first {@code raise_exception}, and the items of the {@code for} loops being
 * rendered (for {@code loop.previtem}/{@code loop.nextitem}). Jinjava binds template functions to static methods
 * ({@link com.hubspot.jinjava.lib.fn.ELFunctionDefinition}), so this state travels on the rendering
 * thread; a render runs synchronously on its caller's thread, and {@link #run} always restores the
 * previous scope, so concurrent renders on a worker pool never see each other's state.
 */
final class RenderScope {
    private static final ThreadLocal<RenderScope> CURRENT = new ThreadLocal<>();

    private final Clock clock;
    private String raisedMessage;
    private final Deque<List<Object>> loops = new ArrayDeque<>();

    RenderScope(Clock clock) {
        this.clock = clock;
    }

    /** Runs {@code body} with this scope current on the calling thread. */
    <T> T run(Supplier<T> body) {
        RenderScope previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** The scope of the render on this thread; a system-clock scope outside any render. */
    static RenderScope current() {
        RenderScope scope = CURRENT.get();
        return scope != null ? scope : new RenderScope(Clock.systemDefaultZone());
    }

    Clock clock() {
        return clock;
    }

    /** Records the first {@code raise_exception} message; later ones are consequences of it. */
    void raised(String message) {
        if (raisedMessage == null) {
            raisedMessage = message;
        }
    }

    /** Runs one {@code for} loop's body rendering with its items visible to {@link #innermostLoop}. */
    <T> T inLoop(List<Object> items, Supplier<T> body) {
        loops.push(items);
        try {
            return body.get();
        } finally {
            loops.pop();
        }
    }

    /** The items of the innermost {@code for} loop being rendered, or {@code null} outside loops. */
    List<Object> innermostLoop() {
        return loops.peek();
    }

    /** The first {@code raise_exception} message of this render, or {@code null}. */
    String raisedMessage() {
        return raisedMessage;
    }
}
