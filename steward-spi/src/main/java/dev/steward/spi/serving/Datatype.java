package dev.steward.spi.serving;

import java.util.Optional;

/**
 * The element types of the tensors Steward runs, named as the Open Inference Protocol (v2) names
 * them, each with the ONNX tensor type it is and the Java array that holds its elements. OIP's
 * {@code BYTES} carries text here: ONNX string tensors hold UTF-8 strings.
 */
public enum Datatype {
    FP32("float", float[].class),
    FP64("double", double[].class),
    INT32("int32", int[].class),
    INT64("int64", long[].class),
    BOOL("bool", boolean[].class),
    BYTES("string", String[].class);

    private static final Datatype[] VALUES = values();

    private final String onnxType;
    private final Class<?> arrayType;

    Datatype(String onnxElement, Class<?> arrayType) {
        this.onnxType = "tensor(" + onnxElement + ")";
        this.arrayType = arrayType;
    }

    /** The array class that holds the elements: {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}, {@code boolean[]} or {@code String[]}. */
    public Class<?> arrayType() {
        return arrayType;
    }

    /** A new array of {@code length} elements of this datatype's {@link #arrayType()} (zeros, false, or nulls for BYTES). */
    public Object newArray(int length) {
        return switch (this) {
            case FP32 -> new float[length];
            case FP64 -> new double[length];
            case INT32 -> new int[length];
            case INT64 -> new long[length];
            case BOOL -> new boolean[length];
            case BYTES -> new String[length];
        };
    }

    /** The datatype of an ONNX tensor type such as {@code tensor(int64)}; empty for any other type (a sequence, a map, a float16 tensor...). */
    public static Optional<Datatype> ofOnnxType(String onnxType) {
        for (Datatype d : VALUES) {
            if (d.onnxType.equals(onnxType)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The datatype of an OIP name such as {@code FP32}; empty for a name Steward does not run. */
    public static Optional<Datatype> ofName(String name) {
        for (Datatype d : VALUES) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
