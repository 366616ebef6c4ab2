package dev.steward.train.tribuo;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds an ONNX graph node by node with generated, deterministic value names (so the same model
 * always serialises to the same bytes). Not thread-safe; one per export.
 */
final class OnnxGraph {
    static final int OPSET = 17;
    static final int ML_OPSET = 5;
    static final String ML = "ai.onnx.ml";

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private int counter;

    OnnxGraph(String name) {
        graph.setName(name);
    }

    String fresh(String hint) {
        return hint + "_" + counter++;
    }

    void input(String name, TensorProto.DataType type, long... shape) {
        graph.addInput(valueInfo(name, type, shape));
    }

    void output(String name, TensorProto.DataType type, long... shape) {
        graph.addOutput(valueInfo(name, type, shape));
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, TensorProto.DataType type, long... shape) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N") : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(s))).build();
    }

    String doubles(String hint, long[] shape, double... values) {
        return initializer(hint, TensorProto.DataType.DOUBLE, shape, t -> {
            for (double v : values) {
                t.addDoubleData(v);
            }
        });
    }

    String longs(String hint, long[] shape, long... values) {
        return initializer(hint, TensorProto.DataType.INT64, shape, t -> {
            for (long v : values) {
                t.addInt64Data(v);
            }
        });
    }

    String strings(String hint, long[] shape, List<String> values) {
        return initializer(hint, TensorProto.DataType.STRING, shape, t -> values.forEach(v -> t.addStringData(ByteString.copyFrom(v, StandardCharsets.UTF_8))));
    }

    /** A constant tensor of the graph, named after {@code hint}. */
    private String initializer(String hint, TensorProto.DataType type, long[] shape, java.util.function.Consumer<TensorProto.Builder> values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(fresh(hint)).setDataType(type.getNumber());
        for (long d : shape) {
            t.addDims(d);
        }
        values.accept(t);
        graph.addInitializer(t);
        return t.getName();
    }

    /** Adds a node and returns the name of its (first) output. */
    String node(String op, String domain, List<String> inputs, List<AttributeProto> attributes) {
        return node(op, domain, inputs, List.of(fresh(op.toLowerCase())), attributes);
    }

    String node(String op, String domain, List<String> inputs, List<String> outputs, List<AttributeProto> attributes) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(fresh("node_" + op)).addAllInput(inputs)
                .addAllOutput(outputs).addAllAttribute(attributes);
        if (!domain.isEmpty()) {
            n.setDomain(domain);
        }
        graph.addNode(n);
        return outputs.get(0);
    }

    String node(String op, List<String> inputs, AttributeProto... attributes) {
        return node(op, "", inputs, List.of(attributes));
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttr(String name, long[] values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto tensorAttr(String name, TensorProto tensor) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(tensor).build();
    }

    static TensorProto doubleTensor(double[] values) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.DOUBLE.getNumber()).addDims(values.length);
        for (double v : values) {
            t.addDoubleData(v);
        }
        return t.build();
    }

    static TensorProto floatTensor(double[] values) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT.getNumber()).addDims(values.length);
        for (double v : values) {
            t.addFloatData((float) v);
        }
        return t.build();
    }

    static TensorProto uint8Tensor(int[] values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return TensorProto.newBuilder().setDataType(TensorProto.DataType.UINT8.getNumber()).addDims(values.length)
                .setRawData(ByteString.copyFrom(bytes)).build();
    }

    static AttributeProto stringsAttr(String name, List<String> values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        values.forEach(v -> a.addStrings(ByteString.copyFrom(v, StandardCharsets.UTF_8)));
        return a.build();
    }

    /** The serialised model: IR version 8, opsets {@value #OPSET} and ai.onnx.ml {@value #ML_OPSET}. */
    byte[] toBytes(String producerVersion, List<String[]> metadata) {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("steward")
                .setProducerVersion(producerVersion).setDomain("dev.steward").setModelVersion(1).setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(ML).setVersion(ML_OPSET));
        for (String[] kv : metadata) {
            model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(kv[0]).setValue(kv[1]));
        }
        return model.build().toByteArray();
    }
}
