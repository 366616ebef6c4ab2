package dev.steward.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * A command that asks the server one thing and prints the answer: for people (a table or a few
 * lines, {@link #print}) or, with {@code --json}, for machines (the answer as JSON). A subclass
 * holds only its own options, its request and its output:
 *
 * <pre>{@code
 * @Command(name = "list", description = "List experiments.")
 * static final class ListExperiments extends ClientCommand<List<ExperimentInfo>> {
 *     List<ExperimentInfo> request() { return client().listExperiments("ACTIVE_ONLY"); }
 *     void print(List<ExperimentInfo> experiments, PrintWriter out) { ...a Table... }
 * }
 * }</pre>
 *
 * @param <T> the answer: a client record or the server's JSON
 */
abstract class ClientCommand<T> extends ConnectedCommand {
    @Option(names = "--json", description = "Print the answer as JSON, for scripts.")
    boolean json;

    /** Asks the server (through {@link #client()}) or, in an offline mode, the home's stores. */
    abstract T request() throws Exception;

    /** Prints the answer for people. */
    abstract void print(T answer, PrintWriter out);

    /** The exit status that goes with the answer; 0 unless the answer is a failure the caller must see. */
    int status(T answer) {
        return 0;
    }

    /** Prints the answer for machines; indented JSON unless a command streams one object a line. */
    void printJson(T answer, PrintWriter out) {
        JsonOutput.print(out, answer);
    }

    @Override
    final int execute() throws Exception {
        T answer = request();
        if (json) {
            printJson(answer, out());
        } else {
            print(answer, out());
        }
        return status(answer);
    }
}
