package dev.llmstream.config;

/** A configuration value that cannot be used; the message names the key and where it came from. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(key == null ? message : key + ": " + message);
        this.key = key;
    }

    /** The offending key (e.g. {@code server.port}), or null for file-level problems. */
    public String key() {
        return key;
    }
}
