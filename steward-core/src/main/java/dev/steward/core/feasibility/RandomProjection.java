package dev.steward.core.feasibility;

import java.util.Random;

/**
 * A Gaussian random projection (Johnson–Lindenstrauss): rows multiplied by a matrix of independent
 * {@code N(0, 1/k)} entries, which keeps pairwise distances within a small factor with high
 * probability for {@code k} outputs. The matrix comes from {@link Random} with the given seed, whose
 * algorithm the JDK specifies, so a seed gives the same projection on every JVM. Immutable.
 */
final class RandomProjection implements Transform {
    private final double[] origin;
    private final double[][] directions;

    private RandomProjection(double[] origin, double[][] directions) {
        this.origin = origin;
        this.directions = directions;
    }

    static RandomProjection of(int inputs, int components, long seed) {
        if (inputs < 1 || components < 1) {
            throw new IllegalArgumentException("a projection of " + inputs + " inputs on " + components + " components");
        }
        Random random = new Random(seed);
        double scale = 1 / Math.sqrt(components);
        double[][] directions = new double[components][inputs];
        for (int k = 0; k < components; k++) {
            for (int j = 0; j < inputs; j++) {
                directions[k][j] = random.nextGaussian() * scale;
            }
        }
        return new RandomProjection(new double[inputs], directions);
    }

    @Override
    public String name() {
        return "random-projection-" + directions.length;
    }

    @Override
    public String kind() {
        return "random-projection";
    }

    @Override
    public int inputs() {
        return origin.length;
    }

    @Override
    public int dimensions() {
        return directions.length;
    }

    @Override
    public double[] apply(double[] rows) {
        return LinearMap.apply(rows, origin, directions);
    }
}
