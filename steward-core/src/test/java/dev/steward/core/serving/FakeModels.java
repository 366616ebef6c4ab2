package dev.steward.core.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.training.StoredPackage;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model source and a runtime written by hand for the engine's tests. Every fake graph is a
 * classifier of rows {@code x} (FP64 [-1,1]) and {@code colour} (BYTES [-1,1], categories red and
 * blue, unknown ones refused): {@code yes} with probability {@code x} clamped to [0, 1]. The
 * runtime counts loads, closes and calls (with their rows), and can hold calls at a gate until
 * the test lets them through.
 */
final class FakeModels implements ModelSource, ModelRuntime {
    private static final ObjectMapper JSON = new ObjectMapper();

    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    /** Calls inside the runtime right now (held at the gate or running). */
    final AtomicInteger inside = new AtomicInteger();
    final List<Integer> batchRows = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> broken = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> fetchGates = new ConcurrentHashMap<>();
    private volatile Semaphore gate;

    /** Makes a version's package fail to load with {@code reason}. */
    void breakVersion(String model, int version, String reason) {
        broken.put(model + "/" + version, reason);
    }

    /** Holds the loading of a version until {@link #releaseFetch}. */
    void holdFetch(String model, int version) {
        fetchGates.put(model + "/" + version, new Semaphore(0));
    }

    void releaseFetch(String model, int version) {
        fetchGates.get(model + "/" + version).release(Integer.MAX_VALUE / 2);
    }

    /** From now on calls wait at the gate until {@link #open} lets them through. */
    void hold() {
        gate = new Semaphore(0);
    }

    /** Lets every held and future call through. */
    void open() {
        Semaphore held = gate;
        gate = null;
        if (held != null) {
            held.release(Integer.MAX_VALUE / 2);
        }
    }

    @Override
    public ServablePackage fetch(String model, int version) {
        String id = model + "/" + version;
        Semaphore fetchGate = fetchGates.get(id);
        if (fetchGate != null) {
            fetchGate.acquireUninterruptibly();
        }
        if (broken.containsKey(id)) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, broken.get(id));
        }
        return new ServablePackage(new StoredPackage(new ArtifactRef("0".repeat(64), 1), new ArtifactRef("1".repeat(64), 1), manifest()),
                id.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode manifest() {
        try {
            return JSON.readTree("""
                    {"format": "steward-model", "format_version": 1, "model_digest": "x", "task": "binary_classification", "training_data": [],
                     "inputs": [{"name": "x", "datatype": "FP64", "shape": [-1, 1]},
                                {"name": "colour", "datatype": "BYTES", "shape": [-1, 1], "categories": ["red", "blue"], "unknown_categories": "error"}],
                     "outputs": [{"name": "label", "datatype": "BYTES", "shape": [-1]}, {"name": "probabilities", "datatype": "FP64", "shape": [-1, 2]}],
                     "classes": ["no", "yes"], "target": "answer"}
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public LoadedModel load(byte[] model) {
        loads.incrementAndGet();
        return new Fake(new String(model, StandardCharsets.UTF_8));
    }

    @Override
    public String version() {
        return "fake 1";
    }

    private final class Fake implements LoadedModel {
        private final String id;
        private final AtomicInteger closed = new AtomicInteger();

        Fake(String id) {
            this.id = id;
        }

        @Override
        public List<TensorInfo> inputs() {
            return List.of(new TensorInfo("x", "tensor(double)", new long[] {-1, 1}), new TensorInfo("colour", "tensor(string)", new long[] {-1, 1}));
        }

        @Override
        public List<TensorInfo> outputs() {
            return List.of(new TensorInfo("label", "tensor(string)", new long[] {-1}), new TensorInfo("probabilities", "tensor(double)", new long[] {-1, 2}));
        }

        @Override
        public GraphMetadata metadata() {
            return new GraphMetadata("fake", id, "", "", 1, Map.of());
        }

        @Override
        public Map<String, Tensor> run(List<Tensor> inputs, Set<String> outputs) {
            if (closed.get() > 0) {
                throw new IllegalStateException("fake model " + id + " was called after it was closed");
            }
            inside.incrementAndGet();
            try {
                Semaphore held = gate;
                if (held != null) {
                    held.acquireUninterruptibly();
                }
                calls.incrementAndGet();
                double[] x = inputs.stream().filter(t -> t.name().equals("x")).findFirst().orElseThrow().doubles();
                String[] colours = inputs.stream().filter(t -> t.name().equals("colour")).findFirst().orElseThrow().strings();
                for (String colour : colours) {
                    if (colour.equals("crash")) {
                        throw StewardException.invalid("inputs", "the fake runtime refuses the colour crash");
                    }
                }
                batchRows.add(x.length);
                String[] labels = new String[x.length];
                double[] p = new double[2 * x.length];
                for (int i = 0; i < x.length; i++) {
                    double yes = Math.max(0, Math.min(1, x[i]));
                    p[2 * i] = 1 - yes;
                    p[2 * i + 1] = yes;
                    labels[i] = yes >= 0.5 ? "yes" : "no";
                }
                Map<String, Tensor> out = new LinkedHashMap<>();
                if (outputs.contains("label")) {
                    out.put("label", Tensor.of("label", new long[] {x.length}, labels));
                }
                if (outputs.contains("probabilities")) {
                    out.put("probabilities", Tensor.of("probabilities", new long[] {x.length, 2}, p));
                }
                return out;
            } finally {
                inside.decrementAndGet();
            }
        }

        @Override
        public void close() {
            if (closed.incrementAndGet() == 1) {
                closes.incrementAndGet();
            }
        }
    }

    /** One row of typed tensors for the fake graph. */
    static RequestInput.Tensors tensors(double x, String colour) {
        return new RequestInput.Tensors(List.of(Tensor.column("x", new double[] {x}), Tensor.column("colour", new String[] {colour})),
                java.util.Optional.empty(), Map.of());
    }

    /** Records of the fake graph's columns. */
    static RequestInput.Table records(Object[] x, Object[] colour) {
        return new RequestInput.Table("records", List.of("x", "colour"), List.of(x, colour), x.length, false, Map.of());
    }
}
