package dev.llmstream.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked over the compiled main classes. Each rule
 * allows an empty subject set so a package that does not exist yet does not fail the build; once
 * it exists the rule applies.
 */
class PackageRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.llmstream");
    }

    private static void check(ArchRule rule) {
        rule.allowEmptyShould(true).check(classes);
    }

    @Test
    void engineImportsNoServingOrTelemetryLibraries() {
        check(noClasses().that().resideInAPackage("dev.llmstream.engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.vertx..", "io.netty..", "io.micrometer..", "io.opentelemetry..",
                        "dev.llmstream.server..", "dev.llmstream.frontend..", "dev.llmstream.telemetry..",
                        "dev.llmstream.api..", "dev.llmstream.cli..", "dev.llmstream.bench.."));
    }

    @Test
    void engineImplementationsDoNotKnowEachOther() {
        check(noClasses().that().resideInAPackage("dev.llmstream.engine.cpu..")
                .should().dependOnClassesThat().resideInAPackage("dev.llmstream.engine.trtllm.."));
        check(noClasses().that().resideInAPackage("dev.llmstream.engine.trtllm..")
                .should().dependOnClassesThat().resideInAPackage("dev.llmstream.engine.cpu.."));
    }

    @Test
    void trtllmEngineUsesTheSpiAndJavaCppOnly() {
        check(noClasses().that().resideInAPackage("dev.llmstream.engine.trtllm..")
                .should().dependOnClassesThat().resideOutsideOfPackages(
                        "java..", "javax..", "jdk..", "org.bytedeco.javacpp..", "org.slf4j..", "dev.llmstream.engine",
                        "dev.llmstream.engine.trtllm..")
                .because("the TensorRT-LLM engine is the SPI over the JavaCPP-mapped shim (plus logging)"));
    }

    @Test
    void frontendHasNoVertx() {
        check(noClasses().that().resideInAPackage("dev.llmstream.frontend..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..",
                        "dev.llmstream.server.."));
    }

    @Test
    void chatTemplatesUseJinjavaJacksonAndGgufOnly() {
        check(noClasses().that().resideInAPackage("dev.llmstream.frontend.template..")
                .should().dependOnClassesThat().resideOutsideOfPackages(
                        "java..", "javax..", "com.hubspot.jinjava..", "jinjava..", "com.fasterxml.jackson..",
                        "org.apache.commons.lang3.tuple..", "dev.llmstream.gguf..", "dev.llmstream.frontend.template..")
                .because("chat templates are Jinjava plus JSON over GGUF metadata (commons-lang3's Pair is a"
                        + " type in Jinjava's ForTag API)"));
    }

    @Test
    void wireFormatAndConfigAreJacksonOnly() {
        check(noClasses().that().resideInAnyPackage("dev.llmstream.api..", "dev.llmstream.config..")
                .should().dependOnClassesThat().resideOutsideOfPackages(
                        "java..", "javax..", "com.fasterxml.jackson..", "dev.llmstream.api..", "dev.llmstream.config..")
                .because("the OpenAI wire records and the configuration are plain data plus Jackson"));
        check(noClasses().that().resideInAPackage("dev.llmstream.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.llmstream.config.."));
    }

    @Test
    void onlyTheServerUsesVertx() {
        check(noClasses().that().resideOutsideOfPackages("dev.llmstream.server..", "dev.llmstream.cli..",
                        "dev.llmstream.bench..", "dev.llmstream.telemetry..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..")
                .because("HTTP lives in the server; the frontend, engines and wire records stay testable without it"));
    }

    @Test
    void vectorApiOnlyInCpuKernels() {
        check(noClasses().that().resideOutsideOfPackages("dev.llmstream.engine.cpu..")
                .should().dependOnClassesThat().resideInAPackage("jdk.incubator.vector.."));
    }

    @Test
    void formatAndTokenizerPackagesUseTheJdkOnly() {
        check(noClasses().that().resideInAnyPackage("dev.llmstream.gguf..", "dev.llmstream.tokenizer..",
                        "dev.llmstream.util..")
                .should().dependOnClassesThat().resideOutsideOfPackages(
                        "java..", "javax..", "jdk..", "dev.llmstream.gguf..", "dev.llmstream.tokenizer..",
                        "dev.llmstream.util..")
                .because("the GGUF format, tokenizers and utilities are plain JDK code"));
        check(noClasses().that().resideInAPackage("dev.llmstream.gguf..")
                .should().dependOnClassesThat().resideInAPackage("dev.llmstream.tokenizer.."));
    }

    @Test
    void modelToolsUseTheFormatUtilitiesJacksonAndLoggingOnly() {
        check(noClasses().that().resideInAPackage("dev.llmstream.model..")
                .should().dependOnClassesThat().resideOutsideOfPackages(
                        "java..", "javax..", "jdk..", "dev.llmstream.model..", "dev.llmstream.gguf..",
                        "dev.llmstream.util..", "com.fasterxml.jackson..", "org.slf4j..")
                .because("model synth/inspect/default sit below the engines and the server (engines may use them)"));
    }

    @Test
    void benchIsAClientOnly() {
        check(noClasses().that().resideInAPackage("dev.llmstream.bench..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.llmstream.server..", "dev.llmstream.engine..", "dev.llmstream.frontend..",
                        "dev.llmstream.telemetry..", "dev.llmstream.cli.."));
        check(noClasses().that().resideInAPackage("dev.llmstream.bench..")
                .should().dependOnClassesThat().resideOutsideOfPackages(
                        "java..", "javax..", "jdk..", "com.fasterxml.jackson..", "org.HdrHistogram..",
                        "dev.llmstream.bench..", "dev.llmstream.util..", "dev.llmstream.tokenizer..",
                        "dev.llmstream.gguf..")
                .because("the load generator is a client: JDK HTTP, JSON, histograms, and our plain-JDK tokenizer"
                        + " for token counting (docs/bench.md)"));
    }

    @Test
    void onlyTheCliWiresEverything() {
        check(noClasses().that().resideOutsideOfPackage("dev.llmstream.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.llmstream.cli.."));
    }

    @Test
    void noPackageCycles() {
        check(slices().matching("dev.llmstream.(*)..").should().beFreeOfCycles());
    }
}
