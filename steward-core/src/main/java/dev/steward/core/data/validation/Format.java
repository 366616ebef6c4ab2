package dev.steward.core.data.validation;

/** How numbers appear in expectations: integers without a fraction, others as Java prints them. */
final class Format {
    private Format() {
    }

    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
