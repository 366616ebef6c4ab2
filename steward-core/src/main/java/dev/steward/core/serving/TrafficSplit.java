package dev.steward.core.serving;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a deployment's unpinned traffic is divided among its versions by their weights: a random
 * draw per request, or, for a caller's sticky key, rendezvous hashing (each version scores the
 * key by a hash weighted by the version's weight; the best score wins). The same key always gets
 * the same version while the versions and weights stay; a change of weights moves only the
 * callers it must, and a version taken out moves only its own. Immutable.
 */
final class TrafficSplit {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final double[] weights;
    private final double[] cumulative;
    private final long[] idHashes;
    private final double total;

    /** {@code ids}: a stable name per version (its {@code model:version}), what sticky keys hash with. */
    TrafficSplit(List<String> ids, double[] weights) {
        if (ids.size() != weights.length) {
            throw new IllegalArgumentException(ids.size() + " versions, " + weights.length + " weights");
        }
        this.weights = weights.clone();
        this.cumulative = new double[weights.length];
        this.idHashes = new long[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
            idHashes[i] = fnv(FNV_OFFSET, ids.get(i));
        }
        this.total = sum;
    }

    /** Whether any version takes unpinned traffic. */
    boolean routable() {
        return total > 0;
    }

    /** A version drawn at random in proportion to the weights. */
    int weighted() {
        double draw = ThreadLocalRandom.current().nextDouble(total);
        for (int i = 0; i < cumulative.length; i++) {
            if (draw < cumulative[i] && weights[i] > 0) {
                return i;
            }
        }
        return last();
    }

    /** The version a caller's key goes to. */
    int sticky(String key) {
        long keyHash = fnv(FNV_OFFSET, key);
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] <= 0) {
                continue;
            }
            long h = mix(keyHash ^ Long.rotateLeft(idHashes[i], 17) * FNV_PRIME);
            double u = ((h >>> 11) + 0.5) * 0x1.0p-53;
            double score = weights[i] / -Math.log(u);
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }

    /** A version's share of the unpinned traffic. */
    double share(int version) {
        return total > 0 ? weights[version] / total : 0;
    }

    private int last() {
        for (int i = weights.length - 1; i >= 0; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
        throw new IllegalStateException("no version takes unpinned traffic");
    }

    private static long fnv(long hash, String text) {
        for (int i = 0; i < text.length(); i++) {
            hash = (hash ^ text.charAt(i)) * FNV_PRIME;
        }
        return hash;
    }

    /** MurmurHash3's finaliser: every input bit reaches every output bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
