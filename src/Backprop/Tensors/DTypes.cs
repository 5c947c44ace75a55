namespace Backprop;

/// <summary>Checks and names for <see cref="DType"/> that ops share.</summary>
internal static class DTypes
{
    /// <summary>The C# name of the element type: float, double or long.</summary>
    public static string ClrName(DType dtype) => dtype switch
    {
        DType.Float32 => "float",
        DType.Float64 => "double",
        _ => "long",
    };

    /// <summary>Throws unless <paramref name="t"/> holds floating-point numbers.</summary>
    public static void RequireFloat(string op, Tensor t, string argument = "input")
    {
        if (t.DType == DType.Int64)
            throw new ArgumentException($"{op}: {argument} is an Int64 (index) tensor; arithmetic needs Float32 or Float64 (convert with To(DType.Float32))");
    }

    /// <summary>Throws unless both tensors hold the same floating-point type.</summary>
    public static void RequireSame(string op, Tensor a, Tensor b)
    {
        RequireFloat(op, a, "the first operand");
        RequireFloat(op, b, "the second operand");
        if (a.DType != b.DType)
            throw new ArgumentException($"{op}: operands are {a.DType} {ShapeMath.Format(a.ShapeArray)} and {b.DType} {ShapeMath.Format(b.ShapeArray)}; mixing types is an error, convert one with To(DType)");
    }
}
