package dev.llmstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code llmstream model ...}: tools that work on GGUF files. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = "Inspect, synthesize and check GGUF models (tokenizer, chat template).",
        subcommands = {ModelInspectCommand.class, ModelSynthCommand.class, ModelTokenizeCommand.class, ModelTemplateCommand.class})
public final class ModelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
