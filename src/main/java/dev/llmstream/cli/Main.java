package dev.llmstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code llmstream} jar: a picocli command tree, wiring only. */
@Command(
        name = "llmstream",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "LLM token-streaming server, offline generation, load generator and model tools.",
        subcommands = {ServeCommand.class, GenerateCommand.class, BenchCommand.class, ModelCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Reads the version Maven wrote into the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"llmstream " + (v == null ? "dev" : v)};
        }
    }
}
