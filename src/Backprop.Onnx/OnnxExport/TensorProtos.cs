using Backprop.OnnxExport.Proto;
using Google.Protobuf;

namespace Backprop.OnnxExport;

/// <summary>Tensors and attributes as ONNX protobuf messages.</summary>
internal static class TensorProtos
{
    /// <summary>The ONNX element type of <paramref name="dtype"/>.</summary>
    public static TensorProto.Types.DataType ElementType(DType dtype) => dtype switch
    {
        DType.Float32 => TensorProto.Types.DataType.Float,
        DType.Float64 => TensorProto.Types.DataType.Double,
        DType.Int64 => TensorProto.Types.DataType.Int64,
        DType.Bool => TensorProto.Types.DataType.Bool,
        _ => throw new NotSupportedException($"Onnx.Export: tensors of {dtype} cannot be exported"),
    };

    /// <summary>An initializer named <paramref name="name"/> holding <paramref name="tensor"/>'s values (little-endian raw data, as ONNX stores it).</summary>
    public static TensorProto Initializer(string name, Tensor tensor)
    {
        var proto = new TensorProto { Name = name, DataType = (int)ElementType(tensor.DType) };
        foreach (int d in tensor.Shape) proto.Dims.Add(d);
        byte[] raw = tensor.DType switch
        {
            DType.Float32 => ToBytes(tensor.ToArray<float>()),
            DType.Float64 => ToBytes(tensor.ToArray<double>()),
            DType.Bool => ToBytes(tensor.ToArray<bool>()), // one byte each, 0 or 1, as ONNX stores booleans
            _ => ToBytes(tensor.ToArray<long>()),
        };
        proto.RawData = ByteString.CopyFrom(raw);
        return proto;
    }

    /// <summary>A 1-D Int64 initializer (shapes, axes, indices given as inputs).</summary>
    public static TensorProto Int64s(string name, IReadOnlyList<long> values)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Count);
        proto.RawData = ByteString.CopyFrom(ToBytes(values.ToArray()));
        return proto;
    }

    private static byte[] ToBytes<T>(T[] values) where T : unmanaged
    {
        // ONNX raw data is little-endian; so is every platform .NET runs this library on.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Onnx.Export: big-endian platforms are not supported");
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }
}
