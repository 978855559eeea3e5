package dev.llmstream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.tokenizer.Tokenizer;
import dev.llmstream.tokenizer.UnsupportedTokenizerException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llmstream model tokenize}: token ids of stdin with a GGUF's tokenizer, as JSON, for
 * comparing with llama.cpp ({@code llama-tokenize}, llama-server {@code /tokenize}).
 */
@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description = {
            "Tokenize stdin with the tokenizer of a GGUF file and print the token ids as a JSON array.",
            "All of stdin is the text, a trailing newline included; with --jsonl every input line is a "
                    + "JSON string and every output line the JSON array of its ids."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:ids printed", "1:the model cannot be read or its tokenizer is not supported",
            "2:bad command line or input line"})
public final class ModelTokenizeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "GGUF file (a vocab-only file is enough)")
    Path model;

    @Option(names = "--add-special", description = "Add the model's BOS/EOS, as llama.cpp does for a prompt.")
    boolean addSpecial;

    @Option(names = "--parse-special", description = "Turn special-token text such as <|im_start|> into its id.")
    boolean parseSpecial;

    @Option(names = "--jsonl", description = "Read one JSON string per line; write one JSON array per line.")
    boolean jsonl;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(model)) {
            tokenizer = Tokenizer.fromGguf(file.metadata());
        } catch (IOException | GgufFormatException | UnsupportedTokenizerException e) {
            err.println("tokenize: cannot load the tokenizer of " + model + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        try {
            if (!jsonl) {
                String text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
                out.println(toJson(tokenizer.encode(text, addSpecial, parseSpecial)));
                return 0;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            for (int lineNo = 1; (line = in.readLine()) != null; lineNo++) {
                String text;
                try {
                    text = JSON.readValue(line, String.class);
                } catch (JsonProcessingException e) {
                    err.println("tokenize: stdin line " + lineNo + " is not a JSON string: "
                            + e.getOriginalMessage());
                    return 2;
                }
                out.println(toJson(tokenizer.encode(text, addSpecial, parseSpecial)));
            }
            return 0;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static String toJson(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 6 + 2).append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(ids[i]);
        }
        return sb.append(']').toString();
    }
}
