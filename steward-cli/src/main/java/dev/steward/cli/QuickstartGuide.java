package dev.steward.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;

/** What the quickstart prints once its walk is done: where to look, and commands to copy. */
final class QuickstartGuide {
    private QuickstartGuide() {
    }

    static void print(PrintWriter out, URI server, Path home, Path tokenFile, QuickstartScenario scenario) {
        String url = server.toString().replaceAll("/$", "");
        String steward = home.normalize().equals(Path.of("steward-data")) ? "./steward" : "./steward --home " + home;
        String deployment = QuickstartScenario.DEPLOYMENT;
        out.println("The web UI:   " + url + "/ui/   (log in with the admin token)");
        out.println("Admin token:  " + tokenFile + "   (mode 0600; the steward command line reads it by itself)");
        out.println();
        out.println("Try it:");
        out.println("  export TOKEN=$(cat " + tokenFile + ")");
        out.println("  # Open Inference Protocol v2, as KServe and Triton clients call it");
        out.println("  curl -s " + url + "/v2/models/" + deployment + "/infer -H \"Authorization: Bearer $TOKEN\" -d '{\"inputs\": ["
                + "{\"name\": \"island\", \"shape\": [1, 1], \"datatype\": \"BYTES\", \"data\": [\"Biscoe\"]}, "
                + "{\"name\": \"beak_length_mm\", \"shape\": [1, 1], \"datatype\": \"FP64\", \"data\": [47.5]}, "
                + "{\"name\": \"beak_depth_mm\", \"shape\": [1, 1], \"datatype\": \"FP64\", \"data\": [15.0]}, "
                + "{\"name\": \"flipper_length_mm\", \"shape\": [1, 1], \"datatype\": \"FP64\", \"data\": [218]}, "
                + "{\"name\": \"body_mass_g\", \"shape\": [1, 1], \"datatype\": \"FP64\", \"data\": [4950]}, "
                + "{\"name\": \"sex\", \"shape\": [1, 1], \"datatype\": \"BYTES\", \"data\": [\"MALE\"]}]}'");
        out.println("  # MLflow's scoring protocol, as 'mlflow models serve' answers it");
        out.println("  curl -s " + url + "/deployments/" + deployment + "/invocations -H \"Authorization: Bearer $TOKEN\""
                + " -H 'Content-Type: application/json' -d '{\"dataframe_records\": [{\"island\": \"Dream\", \"beak_length_mm\": 49.5,"
                + " \"beak_depth_mm\": 19.0, \"flipper_length_mm\": 200, \"body_mass_g\": 3800, \"sex\": \"MALE\"}]}'");
        out.println("  # MLflow clients track runs here unchanged");
        out.println("  export MLFLOW_TRACKING_URI=" + url + " MLFLOW_TRACKING_TOKEN=$TOKEN");
        out.println("  # score a file on this machine with the production model");
        out.println("  " + steward + " predict --model models:/" + QuickstartScenario.MODEL + "@production --input " + home.resolve("quickstart")
                .resolve("penguins-holdout.csv") + " --output scored.csv");
        String[][] more = {
                {steward + " monitor windows " + deployment, "the monitor's windows, the drifted one flagged"},
                {steward + " deploy history " + deployment, "every revision, the canary's included"},
                {steward + " lineage model " + QuickstartScenario.MODEL + "/" + scenario.champion(), "its data, run, evaluations and promotions"}};
        int width = java.util.Arrays.stream(more).mapToInt(m -> m[0].length()).max().orElse(0);
        for (String[] line : more) {
            out.println("  " + line[0] + " ".repeat(width - line[0].length()) + "   # " + line[1]);
        }
        out.println("What each step did, and the page that explains it: docs/quickstart.md");
        out.flush();
    }
}
