package dev.steward.core.feasibility;

/**
 * A feature transformation a study tries: it maps encoded rows (row-major, {@link #inputs()} values
 * each) to rows of {@link #dimensions()} values that 1-NN distances are measured in. By the data
 * processing inequality no transformation lowers the Bayes error, so the lowest estimate among
 * transformations is the tightest. Immutable once fitted.
 */
interface Transform {
    /** How the report names it: {@code standardised}, {@code pca-5}, {@code random-projection-20}. */
    String name();

    /** {@code standardised}, {@code pca} or {@code random-projection}. */
    String kind();

    int inputs();

    int dimensions();

    double[] apply(double[] rows);

    /** The encoded features as they are. */
    static Transform identity(int dims) {
        return new Transform() {
            @Override
            public String name() {
                return "standardised";
            }

            @Override
            public String kind() {
                return "standardised";
            }

            @Override
            public int inputs() {
                return dims;
            }

            @Override
            public int dimensions() {
                return dims;
            }

            @Override
            public double[] apply(double[] rows) {
                return rows;
            }
        };
    }
}
