package dev.steward.bench;

/** Entry point: {@code mvn -B -q -pl bench exec:exec -Dbench=tracking}. */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "tracking" : args[0];
        String[] parts = which.split(":", 2);
        switch (parts[0]) {
            case "tracking" -> TrackingBenchmark.main(parts.length > 1 ? parts[1].split(",") : new String[0]);
            case "data" -> DataBenchmark.main(parts.length > 1 ? new String[] {parts[1]} : new String[0]);
            case "training" -> TrainingBenchmark.main(parts.length > 1 ? new String[] {parts[1]} : new String[0]);
            case "registry" -> RegistryBenchmark.main(new String[0]);
            case "request-log" -> RequestLogBenchmark.main(new String[0]);
            case "monitoring" -> MonitoringBenchmark.main(new String[0]);
            case "ui" -> UiBenchmark.main(new String[0]);
            case "serving-runtime" -> ServingRuntimeBenchmark.main(parts[1].split(","));
            default -> {
                System.err.println("unknown benchmark '" + which + "'; available: tracking, data, training, registry, request-log, monitoring, serving-runtime, ui");
                System.exit(2);
            }
        }
    }
}
