package dev.llmstream.config;

/** Everything {@code llmstream serve} is configured with, validated. */
public record LlmstreamConfig(ServerConfig server, EngineSettings engine, TelemetrySettings telemetry) {}
