package dev.llmstream.cli;

import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.model.ModelInspector;
import dev.llmstream.model.ModelReport;
import dev.llmstream.model.ModelReportText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code llmstream model inspect FILE [--json]}: what a GGUF file holds, read from its header only. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Show a GGUF file's architecture, shape, parameter count, tensor types and tokenizer.")
public final class ModelInspectCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "GGUF file.")
    Path file;

    @Option(names = "--json", description = "Print one JSON object (shape documented in ModelReport).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ModelReport report = ModelInspector.inspect(file);
            out.print(json ? report.toJson() + System.lineSeparator() : ModelReportText.render(report));
            out.flush();
            return 0;
        } catch (NoSuchFileException e) {
            err.println("error: no such file: " + file);
        } catch (GgufFormatException e) {
            err.println("error: " + file + " is not a readable GGUF file: " + e.getMessage());
        } catch (IOException e) {
            err.println("error: cannot read " + file + ": " + e);
        }
        err.flush();
        return 1;
    }
}
