package dev.llmstream.frontend.template;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A message (or other template object) that records which of its keys the template read. This is
 * how {@link TemplateCapabilities} reproduces llama.cpp's capability probes, which run a template
 * on a sample conversation and ask whether it ever used a given value ({@code common/jinja/caps.cpp}:
 * a value is "used" when a template expression reads it, or when a filter such as {@code tojson}
 * consumes the whole object). Here a key counts as read through {@link #get}, and all keys do when
 * the entries or values are iterated (printing, {@code tojson}, {@code items()}). Testing
 * membership ({@code 'content' in message}) or truthiness does not count, as in llama.cpp.
 */
final class AccessRecordingMap extends AbstractMap<String, Object> {
    private final Map<String, Object> values;
    private final Set<String> read = new HashSet<>();
    private boolean readAll;

    AccessRecordingMap(Map<String, Object> values) {
        this.values = new LinkedHashMap<>(values);
    }

    boolean wasRead(String key) {
        return readAll || read.contains(key);
    }

    @Override
    public Object get(Object key) {
        if (key instanceof String k) {
            read.add(k);
        }
        return values.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return values.containsKey(key);
    }

    @Override
    public int size() {
        return values.size();
    }

    @Override
    public Set<String> keySet() {
        return values.keySet();
    }

    @Override
    public Collection<Object> values() {
        readAll = true;
        return values.values();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        readAll = true;
        return values.entrySet();
    }
}
