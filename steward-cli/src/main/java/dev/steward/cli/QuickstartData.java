package dev.steward.cli;

import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bundled penguins ({@code /quickstart/penguins.csv}, see the README beside it) and what the
 * quickstart makes of them: a training extract (four rows in five), a held-out extract (every fifth
 * row; the file is sorted by species, so both keep its mix), the records that play live traffic, and
 * a drifted copy of them with shifted measurements. Everything is derived deterministically, so a
 * second quickstart writes the same bytes and the store recognises them.
 */
final class QuickstartData {
    static final String RESOURCE = "/quickstart/penguins.csv";
    static final List<String> MEASUREMENTS = List.of("beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g");
    /** The drifted window's shift of each measurement: about one standard deviation of the species mix. */
    private static final Map<String, Double> SHIFT = Map.of("beak_length_mm", 6.0, "beak_depth_mm", -2.0, "flipper_length_mm", 18.0,
            "body_mass_g", 700.0);

    private final String header;
    private final List<String> lines;

    private QuickstartData(String header, List<String> lines) {
        this.header = header;
        this.lines = List.copyOf(lines);
    }

    static QuickstartData load() {
        try (InputStream in = QuickstartData.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw StewardException.internal("the distribution has no " + RESOURCE + ": rebuild it", null);
            }
            List<String> all = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
            return new QuickstartData(all.get(0), all.subList(1, all.size()));
        } catch (IOException e) {
            throw StewardException.internal("reading " + RESOURCE, e);
        }
    }

    /** Writes the training and held-out extracts to {@code directory}; returns their paths, training first. */
    List<Path> writeExtracts(Path directory) {
        try {
            Files.createDirectories(directory);
            return List.of(write(directory.resolve("penguins-train.csv"), false), write(directory.resolve("penguins-holdout.csv"), true));
        } catch (IOException e) {
            throw StewardException.invalid("home", "cannot write the quickstart's data to " + directory + ": " + e.getMessage());
        }
    }

    private Path write(Path file, boolean heldOut) throws IOException {
        StringBuilder csv = new StringBuilder(header).append('\n');
        for (int i = 0; i < lines.size(); i++) {
            if ((i % 5 == 4) == heldOut) {
                csv.append(lines.get(i)).append('\n');
            }
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
            return file;
        }
        // Written aside and moved, so that an interrupted quickstart never leaves half a file to import.
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.write(partial, bytes);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /**
     * The penguins as the records an application would send: every row with its measurements (the
     * two rows without any are left out), held-out rows first, each part in a seeded shuffle (the file
     * is sorted by species: in its order, fifty penguins in a row are all Adelies, which any monitor
     * rightly calls drift); a missing sex is {@code null}. Each record is paired with the true
     * species, the feedback sent after the answer.
     */
    List<Penguin> penguins() {
        List<Penguin> heldOut = new ArrayList<>();
        List<Penguin> training = new ArrayList<>();
        String[] columns = header.split(",", -1);
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells[2].isEmpty()) {
                continue;
            }
            Map<String, Object> record = new LinkedHashMap<>();
            for (int c = 1; c < columns.length; c++) {
                String cell = cells[c];
                record.put(columns[c], cell.isEmpty() ? null : MEASUREMENTS.contains(columns[c]) ? (Object) Double.parseDouble(cell) : cell);
            }
            (i % 5 == 4 ? heldOut : training).add(new Penguin(record, cells[0]));
        }
        java.util.Collections.shuffle(heldOut, new java.util.Random(7));
        java.util.Collections.shuffle(training, new java.util.Random(8));
        List<Penguin> all = new ArrayList<>(heldOut);
        all.addAll(training);
        return all;
    }

    /** The same penguins with every measurement shifted: a drifted window. */
    List<Penguin> drifted() {
        return penguins().stream().map(p -> {
            Map<String, Object> record = new LinkedHashMap<>(p.record());
            SHIFT.forEach((column, shift) -> record.computeIfPresent(column, (k, v) -> Math.round(((Double) v + shift) * 10) / 10.0));
            return new Penguin(record, p.species());
        }).toList();
    }

    /** One penguin: what is sent for a prediction, and its true species. */
    record Penguin(Map<String, Object> record, String species) {
        Penguin {
            record = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(record));
        }
    }
}
