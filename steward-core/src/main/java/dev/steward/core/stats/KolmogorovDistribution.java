package dev.steward.core.stats;

/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D<sub>n</sub>,
 * {@code P(D_n >= x)}, computed the way Simard and L'Ecuyer recommend ("Computing the two-sided
 * Kolmogorov-Smirnov distribution", J. Stat. Software 39(11), 2011) and SciPy's {@code kstwo}
 * does: the exact Ruben–Gambino formulas at the ends, the Durbin matrix (Marsaglia, Tsang and
 * Wang 2003) where it is exact and cheap, twice the exact one-sided Smirnov tail
 * (Birnbaum–Tingey) in the far tail, and the Pelz–Good expansion for large n. Stateless.
 */
final class KolmogorovDistribution {
    private static final double SCALE = Math.scalb(1.0, 128);
    private static final double UNSCALE = Math.scalb(1.0, -128);
    private static final double PI2 = Math.PI * Math.PI;
    private static final double PI4 = PI2 * PI2;
    private static final double PI6 = PI4 * PI2;
    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static final double MIN_LOG = -708;
    private static final int SMIRNOV_EXACT_MAX_N = 1_000_000;
    private static final double[] STIRLING = {-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
        8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3,
        8.3333333333333333333e-2};

    private KolmogorovDistribution() {
    }

    /** {@code P(D_n >= x)}. */
    static double sf(long n, double x) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be positive: " + n);
        }
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x >= 1.0) {
            return 0.0;
        }
        if (x <= 0.0) {
            return 1.0;
        }
        double t = n * x;
        if (t <= 1.0) {
            if (t <= 0.5) {
                return 1.0;
            }
            double cdf;
            if (n <= 140) {
                cdf = 1.0;
                for (long i = 1; i <= n; i++) {
                    cdf *= i * (1.0 / n) * (2 * t - 1);
                }
            } else {
                cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
            }
            return clip(1.0 - cdf);
        }
        if (t >= n - 1) {
            return clip(2 * Math.pow(1.0 - x, n));
        }
        if (x >= 0.5) {
            return clip(2 * smirnovSf(n, x));
        }
        double nxSquared = t * x;
        if (n <= 140) {
            if (nxSquared <= 4) {
                return clip(1.0 - durbin(n, x));
            }
            return clip(2 * smirnovSf(n, x));
        }
        if (nxSquared >= 370.0) {
            return 0.0;
        }
        if (nxSquared >= 2.2) {
            return clip(2 * smirnovSf(n, x));
        }
        double cdf;
        if (nxSquared >= 18.0) {
            cdf = 1.0;
        } else if (n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4) {
            cdf = durbin(n, x);
        } else {
            cdf = pelzGood(n, x);
        }
        return clip(1.0 - cdf);
    }

    /** log(n! / n^n) by Stirling's series, without the cancellation of computing both. */
    private static double logFactorialOverPower(long n) {
        double rn = 1.0 / n;
        double r = rn / n;
        double poly = 0;
        for (double c : STIRLING) {
            poly = poly * r + c;
        }
        return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
    }

    /**
     * {@code P(D_n <= d)} by Durbin's matrix method: the k-th diagonal entry of H^n times n!/n^n,
     * with H of size 2k-1 where k = ceil(n d), powers taken by squaring with explicit scaling.
     */
    static double durbin(long n, double d) {
        if (d >= 1.0) {
            return 1.0;
        }
        double nd = n * d;
        if (nd <= 0.5) {
            return 0.0;
        }
        int k = (int) Math.ceil(nd);
        double h = k - nd;
        int m = 2 * k - 1;
        double[] v = new double[m];
        double[] w = new double[m];
        double factorial = 1.0;
        for (int j = 1; j <= m; j++) {
            w[j - 1] = factorial;
            factorial /= j;
            v[j - 1] = (1.0 - Math.pow(h, j)) * factorial;
        }
        double tail = Math.pow(Math.max(2 * h - 1.0, 0), m) - 2 * Math.pow(h, m);
        v[m - 1] = (1.0 + tail) * factorial;
        double[][] matrix = new double[m][m];
        for (int column = 1; column < m; column++) {
            for (int row = column - 1; row < m; row++) {
                matrix[row][column] = w[row - column + 1];
            }
        }
        for (int row = 0; row < m; row++) {
            matrix[row][0] = v[row];
        }
        for (int column = 0; column < m; column++) {
            matrix[m - 1][column] = v[m - 1 - column];
        }
        double[][] power = identity(m);
        long exponent = 0;
        long matrixExponent = 0;
        long remaining = n;
        while (remaining > 0) {
            if ((remaining & 1) == 1) {
                power = multiply(power, matrix);
                exponent += matrixExponent;
            }
            matrix = multiply(matrix, matrix);
            matrixExponent *= 2;
            if (Math.abs(matrix[k - 1][k - 1]) > SCALE) {
                scale(matrix, UNSCALE);
                matrixExponent += 128;
            }
            remaining /= 2;
        }
        double p = power[k - 1][k - 1];
        for (long i = 1; i <= n; i++) {
            p = i * p / n;
            if (Math.abs(p) < UNSCALE) {
                p *= SCALE;
                exponent -= 128;
            }
        }
        if (exponent != 0) {
            p = Math.scalb(p, (int) exponent);
        }
        return clip(p);
    }

    /**
     * The one-sided tail {@code P(D_n^+ >= x)} by the Birnbaum–Tingey sum, its positive terms
     * taken in log space; beyond a million observations the asymptotic exp(-(6nx+1)^2/18n).
     */
    static double smirnovSf(long n, double x) {
        if (x <= 0.0) {
            return 1.0;
        }
        if (x >= 1.0) {
            return 0.0;
        }
        if (n == 1) {
            return x;
        }
        if (-2 * n * x * x < MIN_LOG) {
            return 0.0;
        }
        double nx = n * x;
        long nxFloor = (long) Math.floor(nx);
        if (nxFloor == 0 || (nxFloor == 1 && nx == 1.0)) {
            return clip(1 - x * Math.pow(1 + x, n - 1));
        }
        if (nxFloor >= n - 1) {
            return clip(Math.pow(1 - x, n));
        }
        if (n > SMIRNOV_EXACT_MAX_N) {
            double logp = -Math.pow(6.0 * n * x + 1, 2) / 18.0 / n;
            return logp < -Math.log(2) ? Math.exp(logp) : 1 + Math.expm1(logp);
        }
        long last = (long) Math.floor(n * (1.0 - x));
        if (n - nx == last) {
            last -= 1; // (1 - x - v/n) is zero there: the term vanishes
        }
        double logBinomial = 0.0;
        double sum = 0.0;
        double compensation = 0.0;
        for (long v = 0; v <= last; v++) {
            double upper = x + (double) v / n;
            double lower = 1.0 - upper;
            if (lower > 0) {
                double term = Math.exp(logBinomial + (v - 1) * Math.log(upper) + (n - v) * Math.log(lower));
                double y = term - compensation;
                double s = sum + y;
                compensation = (s - sum) - y;
                sum = s;
                if (term < 1e-300 && v > n / 2) {
                    break;
                }
            }
            logBinomial += Math.log((double) (n - v) / (v + 1));
        }
        return clip(sum * x);
    }

    /** The Pelz–Good asymptotic expansion of {@code P(D_n <= x)}, as in Simard and L'Ecuyer. */
    static double pelzGood(long n, double x) {
        if (x <= 0.0) {
            return 0.0;
        }
        if (x >= 1.0) {
            return 1.0;
        }
        double z = Math.sqrt(n) * x;
        double z2 = z * z;
        double z3 = z2 * z;
        double z4 = z2 * z2;
        double z6 = z4 * z2;
        double qlog = -PI2 / 8 / z2;
        if (qlog < MIN_LOG) {
            return 0.0;
        }
        double q = Math.exp(qlog);
        double k1a = -z2;
        double k1b = PI2 / 4;
        double k2a = 6 * z6 + 2 * z4;
        double k2b = (2 * z4 - 5 * z2) * PI2 / 4;
        double k2c = PI4 * (1 - 2 * z2) / 16;
        double k3d = PI6 * (5 - 30 * z2) / 64;
        double k3c = PI4 * (-60 * z2 + 212 * z4) / 16;
        double k3b = PI2 * (135 * z4 - 96 * z6) / 4;
        double k3a = -30 * z6 - 90 * Math.pow(z, 8);
        double[] terms = new double[4];
        int maxK = (int) Math.ceil(16 * z / Math.PI);
        for (int k = maxK; k > 0; k--) {
            double m = 2 * k - 1;
            double m2 = m * m;
            double m4 = m2 * m2;
            double m6 = m4 * m2;
            double qPower = Math.pow(q, 8 * k);
            double[] coefficients = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6};
            for (int i = 0; i < 4; i++) {
                terms[i] = terms[i] * qPower + coefficients[i];
            }
        }
        double[] divisors = {z, 6 * z4, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)};
        for (int i = 0; i < 4; i++) {
            terms[i] = terms[i] * q * SQRT_2PI / divisors[i];
        }
        double q2 = Math.exp(-PI2 / 2 / z2);
        double k2extra = 0;
        double k3extra = 0;
        double sqrt3z = Math.sqrt(3) * z;
        for (int k = maxK; k > 0; k--) {
            double k2 = (double) k * k;
            double qPower = Math.pow(q2, k2);
            double kPi = Math.PI * k;
            k2extra += k2 * qPower;
            k3extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qPower;
        }
        terms[2] += k2extra * PI2 * SQRT_2PI / (-36 * z3);
        terms[3] += k3extra * PI2 * SQRT_2PI / (216 * z6);
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += terms[i] / Math.pow(n, i / 2.0);
        }
        return sum;
    }

    private static double[][] identity(int m) {
        double[][] identity = new double[m][m];
        for (int i = 0; i < m; i++) {
            identity[i][i] = 1.0;
        }
        return identity;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int m = a.length;
        double[][] product = new double[m][m];
        for (int i = 0; i < m; i++) {
            double[] row = product[i];
            for (int l = 0; l < m; l++) {
                double factor = a[i][l];
                if (factor != 0.0) {
                    double[] other = b[l];
                    for (int j = 0; j < m; j++) {
                        row[j] += factor * other[j];
                    }
                }
            }
        }
        return product;
    }

    private static void scale(double[][] matrix, double factor) {
        for (double[] row : matrix) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= factor;
            }
        }
    }

    private static double clip(double p) {
        return Math.max(0.0, Math.min(1.0, p));
    }
}
