namespace Backprop;

/// <summary>Checks and names for <see cref="DType"/> that ops share.</summary>
internal static class DTypes
{
    /// <summary>The C# name of the element type: float, double, long or bool.</summary>
    public static string ClrName(DType dtype) => dtype switch
    {
        DType.Float32 => "float",
        DType.Float64 => "double",
        DType.Bool => "bool",
        _ => "long",
    };

    /// <summary>Whether <paramref name="dtype"/> holds floating-point numbers (Float32 or Float64).</summary>
    public static bool IsFloat(DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>Throws unless <paramref name="t"/> holds floating-point numbers.</summary>
    public static void RequireFloat(string op, Tensor t, string argument = "input")
    {
        // The test inline, the messages out of line: every op checks its operands.
        if (!IsFloat(t.DType)) ThrowNotFloat(op, t, argument);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNotFloat(string op, Tensor t, string argument)
    {
        if (t.DType == DType.Int64)
            throw new ArgumentException($"{op}: {argument} is an Int64 (index) tensor; arithmetic needs Float32 or Float64 (convert with To(DType.Float32))");
        throw new ArgumentException($"{op}: {argument} is a Bool (mask) tensor; this op needs Float32 or Float64 (convert with To(DType.Float32))");
    }

    /// <summary>Throws unless both tensors hold the same floating-point type.</summary>
    public static void RequireSame(string op, Tensor a, Tensor b)
    {
        DType type = a.DType;
        if (!IsFloat(type)) ThrowNotFloat(op, a, "the first operand");
        if (b.DType != type) ThrowNotSame(op, a, b);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNotSame(string op, Tensor a, Tensor b)
    {
        RequireFloat(op, b, "the second operand");
        throw new ArgumentException($"{op}: operands are {a.DType} {ShapeMath.Format(a.ShapeArray)} and {b.DType} {ShapeMath.Format(b.ShapeArray)}; mixing types is an error, convert one with To(DType)");
    }
}
