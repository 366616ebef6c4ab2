package dev.steward.core.serving.log;

import dev.steward.core.util.Digests;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a writer does with the directory before it writes: every segment a previous run left open
 * is cut to its last whole entry and sealed (with what was cut recorded in its seal), and leftovers
 * of an interrupted seal or retention (temporary files, seals without a segment) are removed.
 */
final class SegmentRecovery {
    private SegmentRecovery() {}

    static List<Recovery> recover(Path directory, long nowMillis) throws IOException {
        List<Recovery> recovered = new ArrayList<>();
        List<Path> deploymentDirectories;
        try (Stream<Path> dirs = Files.list(directory)) {
            deploymentDirectories = dirs.filter(Files::isDirectory).toList();
        }
        for (Path dir : deploymentDirectories) {
            String deployment = SegmentFiles.deploymentOf(dir.getFileName().toString()).orElse(null);
            if (deployment == null) {
                continue;
            }
            removeLeftovers(dir);
            for (Segment segment : SegmentFiles.list(dir, deployment)) {
                if (!segment.sealed()) {
                    recovered.add(recover(segment, nowMillis));
                }
            }
        }
        return recovered;
    }

    private static Recovery recover(Segment segment, long nowMillis) throws IOException {
        long[] received = {Long.MAX_VALUE, Long.MIN_VALUE};
        SegmentScan.Result scan = SegmentScan.scan(segment.path(), (bytes, off, len) -> {
            long at = EntryFormat.receivedMillis(bytes, off, len);
            received[0] = Math.min(received[0], at);
            received[1] = Math.max(received[1], at);
            return true;
        });
        if (scan.entries() == 0) {
            Files.deleteIfExists(segment.sealPath());
            Files.delete(segment.path());
            SegmentFiles.forceDirectory(segment.path().getParent());
            return new Recovery(segment.deployment(), segment.path(), 0, scan.tailLines() + scan.corruptLines(), scan.bytes());
        }
        String sha256 = scan.sha256();
        if (scan.tailBytes() > 0) {
            try (FileChannel channel = FileChannel.open(segment.path(), StandardOpenOption.WRITE)) {
                channel.truncate(scan.validEnd());
                channel.force(true);
            }
            sha256 = Digests.sha256Hex(segment.path());
        }
        Seal seal = new Seal(EntryFormat.FORMAT, scan.entries() + scan.corruptLines(), scan.validEnd(), sha256, received[0], received[1],
                segment.startMillis(), nowMillis, scan.tailLines(), scan.tailBytes());
        Path sealed = SegmentFiles.seal(segment, seal);
        return new Recovery(segment.deployment(), sealed, seal.entries(), scan.tailLines(), scan.tailBytes());
    }

    private static void removeLeftovers(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(SegmentFiles.TEMP_SUFFIX)) {
                Files.deleteIfExists(file);
            } else if (name.endsWith(SegmentFiles.SEAL)) {
                String base = name.substring(0, name.length() - SegmentFiles.SEAL.length());
                if (!Files.exists(dir.resolve(base + SegmentFiles.SEALED)) && !Files.exists(dir.resolve(base + SegmentFiles.OPEN))) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
