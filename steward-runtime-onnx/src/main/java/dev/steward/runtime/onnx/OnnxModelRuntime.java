package dev.steward.runtime.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.ValueInfo;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link ModelRuntime} on ONNX Runtime (CPU). Thread-safe: ONNX Runtime sessions may run
 * concurrently. Inputs are wrapped in ONNX Runtime tensors from their arrays and outputs copied
 * out into fresh arrays; every ONNX Runtime value is closed before {@code run} returns.
 */
public final class OnnxModelRuntime implements ModelRuntime {
    private static final String TENSOR_TYPE_PREFIX = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final Threads threads;

    /**
     * How a session uses threads. ONNX Runtime runs a graph's nodes one after the other
     * ({@code interOp} 1, its sequential mode) unless {@code interOp} asks for more, and splits one
     * node's work over {@code intraOp} threads, of which the calling thread is one: with
     * {@code intraOp} 1 a session starts no thread of its own. Idle pool threads spin for a while
     * before they sleep unless {@code spinning} is false.
     *
     * @param intraOp threads within one node (0: ONNX Runtime's default, one per core)
     * @param interOp threads across independent nodes (0 or 1: sequential execution)
     */
    public record Threads(int intraOp, int interOp, boolean spinning) {
        /** ONNX Runtime's defaults: a pool of one thread per core, spinning. */
        public static final Threads DEFAULT = new Threads(0, 0, true);

        public Threads {
            if (intraOp < 0 || interOp < 0) {
                throw new IllegalArgumentException("thread counts cannot be negative: intra-op " + intraOp + ", inter-op " + interOp);
            }
        }

        /**
         * The threads of a serving session on a machine of {@code cores} cores, unless
         * {@code configuredIntraOp} (above 0) says otherwise. A served model answers many small
         * requests at once, each on its own HTTP thread, and adaptive batching turns bursts into
         * one call: the cores are kept busy by requests running side by side, not by splitting
         * one call. So a call runs on its caller's thread alone ({@code intraOp} 1) up to 4
         * cores; a bigger machine gives each call a quarter of the cores (at most 8), which pays
         * off for the large batches heavy traffic makes. Pool threads never spin: on a machine
         * shared with the HTTP threads a spinning thread takes the CPU a request needs.
         */
        public static Threads forServing(int configuredIntraOp, int cores) {
            if (configuredIntraOp < 0 || cores < 1) {
                throw new IllegalArgumentException("bad serving threads: intra-op " + configuredIntraOp + " on " + cores + " cores");
            }
            int intraOp = configuredIntraOp > 0 ? configuredIntraOp : cores <= 4 ? 1 : Math.min(8, cores / 4);
            return new Threads(intraOp, 1, false);
        }
    }

    /** {@code threads}: intra-op threads per session (0: ONNX Runtime's default). */
    public OnnxModelRuntime(int threads) {
        this(new Threads(threads, 0, true));
    }

    public OnnxModelRuntime(Threads threads) {
        this.threads = Objects.requireNonNull(threads, "threads is null");
    }

    /** How this runtime's sessions use threads. */
    public Threads threads() {
        return threads;
    }

    @Override
    public String version() {
        return "onnxruntime " + environment.getVersion();
    }

    @Override
    public LoadedModel load(byte[] model) {
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (threads.intraOp() > 0) {
                options.setIntraOpNumThreads(threads.intraOp());
            }
            if (threads.interOp() > 1) {
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.PARALLEL);
                options.setInterOpNumThreads(threads.interOp());
            }
            if (!threads.spinning()) {
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                options.addConfigEntry("session.inter_op.allow_spinning", "0");
            }
            session = environment.createSession(model, options);
        } catch (OrtException e) {
            throw StewardException.invalid("model", "ONNX Runtime cannot load the model: " + e.getMessage());
        }
        try {
            return new Session(session);
        } catch (OrtException | RuntimeException e) {
            close(session);
            if (e instanceof StewardException s) {
                throw s;
            }
            throw StewardException.invalid("model", "ONNX Runtime cannot describe the model: " + e.getMessage());
        }
    }

    private static void close(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw StewardException.internal("closing an ONNX Runtime session", e);
        }
    }

    private final class Session implements LoadedModel {
        private final OrtSession session;
        private final List<TensorInfo> inputs;
        private final List<TensorInfo> outputs;
        private final Map<String, TensorInfo> inputsByName = new HashMap<>();
        private final Map<String, TensorInfo> outputsByName = new HashMap<>();
        private final GraphMetadata metadata;

        Session(OrtSession session) throws OrtException {
            this.session = session;
            this.inputs = describe(session.getInputInfo());
            this.outputs = describe(session.getOutputInfo());
            inputs.forEach(i -> inputsByName.put(i.name(), i));
            outputs.forEach(o -> outputsByName.put(o.name(), o));
            OnnxModelMetadata m = session.getMetadata();
            this.metadata = new GraphMetadata(text(m.getProducerName()), text(m.getGraphName()), text(m.getDomain()), text(m.getDescription()),
                    m.getVersion(), m.getCustomMetadata());
        }

        private static String text(String value) {
            return value == null ? "" : value;
        }

        private static List<TensorInfo> describe(Map<String, NodeInfo> nodes) {
            List<TensorInfo> list = new ArrayList<>();
            nodes.forEach((name, node) -> {
                ValueInfo info = node.getInfo();
                if (info instanceof ai.onnxruntime.TensorInfo t) {
                    list.add(new TensorInfo(name, "tensor(" + element(t) + ")", t.getShape()));
                } else {
                    list.add(new TensorInfo(name, typeName(info), new long[0]));
                }
            });
            return List.copyOf(list);
        }

        /** ONNX's spelling of an element type: {@code float}, {@code int64}, {@code string}... */
        private static String element(ai.onnxruntime.TensorInfo t) {
            String name = t.onnxType.name();
            return (name.startsWith(TENSOR_TYPE_PREFIX) ? name.substring(TENSOR_TYPE_PREFIX.length()) : name).toLowerCase(Locale.ROOT);
        }

        private static String element(OnnxJavaType type) {
            return type.name().toLowerCase(Locale.ROOT);
        }

        private static String typeName(ValueInfo info) {
            if (info instanceof SequenceInfo s) {
                return "seq(" + (s.isSequenceOfMaps() ? typeName(s.mapInfo) : "tensor(" + element(s.sequenceType) + ")") + ")";
            }
            if (info instanceof MapInfo m) {
                return "map(" + element(m.keyType) + ",tensor(" + element(m.valueType) + "))";
            }
            return String.valueOf(info);
        }

        @Override
        public List<TensorInfo> inputs() {
            return inputs;
        }

        @Override
        public List<TensorInfo> outputs() {
            return outputs;
        }

        @Override
        public GraphMetadata metadata() {
            return metadata;
        }

        @Override
        public Map<String, Tensor> run(List<Tensor> given, Set<String> wanted) {
            if (wanted.isEmpty()) {
                throw StewardException.invalid("outputs", "ask for at least one of the outputs " + names(outputs));
            }
            for (String name : wanted) {
                TensorInfo output = outputsByName.get(name);
                if (output == null) {
                    throw StewardException.invalid("outputs", "the model has no output '" + name + "'; its outputs are " + names(outputs));
                }
                if (output.datatype().isEmpty()) {
                    throw StewardException.invalid("outputs", "output '" + name + "' is " + output.onnxType()
                            + ", which Steward cannot return: it returns tensors of " + Arrays.toString(Datatype.values()));
                }
            }
            Map<String, OnnxTensor> feed = new HashMap<>();
            try {
                for (Tensor tensor : given) {
                    TensorInfo input = checked(tensor);
                    if (feed.containsKey(input.name())) {
                        throw StewardException.invalid("inputs", "input '" + input.name() + "' is given twice");
                    }
                    feed.put(input.name(), onnx(tensor));
                }
                if (feed.size() != inputs.size()) {
                    List<String> missing = inputs.stream().map(TensorInfo::name).filter(n -> !feed.containsKey(n)).toList();
                    throw StewardException.invalid("inputs", "the model needs the inputs " + missing + " too");
                }
                try (OrtSession.Result result = session.run(feed, wanted)) {
                    Map<String, Tensor> out = new LinkedHashMap<>();
                    for (TensorInfo output : outputs) {
                        if (wanted.contains(output.name())) {
                            OnnxValue value = result.get(output.name()).orElseThrow(() -> new IllegalStateException("ONNX Runtime computed no "
                                    + output.name()));
                            out.put(output.name(), tensor(output.name(), (OnnxTensor) value));
                        }
                    }
                    return out;
                }
            } catch (OrtException e) {
                throw StewardException.invalid("inputs", "ONNX Runtime refused the inputs: " + e.getMessage());
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        }

        private TensorInfo checked(Tensor tensor) {
            TensorInfo input = inputsByName.get(tensor.name());
            if (input == null) {
                throw StewardException.invalid("inputs", "the model has no input '" + tensor.name() + "'; its inputs are " + names(inputs));
            }
            if (input.datatype().isEmpty()) {
                throw StewardException.invalid("inputs", "input '" + input.name() + "' is " + input.onnxType() + ", which Steward cannot feed: it"
                        + " feeds tensors of " + Arrays.toString(Datatype.values()));
            }
            if (input.datatype().get() != tensor.datatype()) {
                throw StewardException.invalid("inputs", "input '" + input.name() + "' takes " + input.datatype().get() + " (" + input.onnxType()
                        + "), not " + tensor.datatype());
            }
            long[] expected = input.shape();
            boolean fits = expected.length == tensor.rank();
            for (int i = 0; fits && i < expected.length; i++) {
                fits = expected[i] < 0 || expected[i] == tensor.dimension(i);
            }
            if (!fits) {
                throw StewardException.invalid("inputs", "input '" + input.name() + "' takes the shape " + Arrays.toString(expected)
                        + " (-1: any size), not " + Arrays.toString(tensor.shape()));
            }
            return input;
        }

        private OnnxTensor onnx(Tensor tensor) throws OrtException {
            long[] shape = tensor.shape();
            return switch (tensor.datatype()) {
                case FP32 -> OnnxTensor.createTensor(environment, FloatBuffer.wrap(tensor.floats()), shape);
                case FP64 -> OnnxTensor.createTensor(environment, DoubleBuffer.wrap(tensor.doubles()), shape);
                case INT32 -> OnnxTensor.createTensor(environment, IntBuffer.wrap(tensor.ints()), shape);
                case INT64 -> OnnxTensor.createTensor(environment, LongBuffer.wrap(tensor.longs()), shape);
                case BOOL -> {
                    boolean[] values = tensor.booleans();
                    ByteBuffer bytes = ByteBuffer.allocateDirect(values.length);
                    for (boolean v : values) {
                        bytes.put((byte) (v ? 1 : 0));
                    }
                    yield OnnxTensor.createTensor(environment, bytes.rewind(), shape, OnnxJavaType.BOOL);
                }
                case BYTES -> OnnxTensor.createTensor(environment, tensor.strings(), shape);
            };
        }

        private static Tensor tensor(String name, OnnxTensor value) throws OrtException {
            long[] shape = value.getInfo().getShape();
            int size = Math.toIntExact(value.getInfo().getNumElements());
            return switch (value.getInfo().type) {
                case FLOAT -> {
                    float[] data = new float[size];
                    value.getFloatBuffer().get(data);
                    yield Tensor.of(name, shape, data);
                }
                case DOUBLE -> {
                    double[] data = new double[size];
                    value.getDoubleBuffer().get(data);
                    yield Tensor.of(name, shape, data);
                }
                case INT32 -> {
                    int[] data = new int[size];
                    value.getIntBuffer().get(data);
                    yield Tensor.of(name, shape, data);
                }
                case INT64 -> {
                    long[] data = new long[size];
                    value.getLongBuffer().get(data);
                    yield Tensor.of(name, shape, data);
                }
                case BOOL -> {
                    ByteBuffer bytes = value.getByteBuffer();
                    boolean[] data = new boolean[size];
                    for (int i = 0; i < size; i++) {
                        data[i] = bytes.get(i) != 0;
                    }
                    yield Tensor.of(name, shape, data);
                }
                case STRING -> {
                    String[] data = new String[size];
                    flatten(value.getValue(), data, 0);
                    yield Tensor.of(name, shape, data);
                }
                default -> throw new IllegalStateException("output " + name + " is " + value.getInfo().type + ", which run() refuses beforehand");
            };
        }

        /** ONNX Runtime hands string tensors out as nested arrays (or a lone string for a scalar); returns the next free index. */
        private static int flatten(Object value, String[] out, int at) {
            if (value instanceof String s) {
                out[at] = s;
                return at + 1;
            }
            int next = at;
            for (Object o : (Object[]) value) {
                next = flatten(o, out, next);
            }
            return next;
        }

        private static List<String> names(List<TensorInfo> infos) {
            return infos.stream().map(TensorInfo::name).toList();
        }

        @Override
        public void close() {
            OnnxModelRuntime.close(session);
        }
    }
}
