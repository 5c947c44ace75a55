namespace Backprop.IO;

/// <summary>
/// The safetensors names of the element types Backprop holds (<c>F32</c>, <c>F64</c>,
/// <c>I64</c>), their sizes, and the order the reference writer lays them out in.
/// </summary>
internal static class SafeTensorsDTypes
{
    /// <summary>The names this reader accepts, for error messages.</summary>
    public const string Supported = "F32, F64, I64 and BOOL";

    /// <summary>
    /// The other element types of the safetensors format: a file may hold them, but Backprop has
    /// no tensor type for them, so they are refused by name rather than called unknown.
    /// </summary>
    private static readonly HashSet<string> s_otherFormatTypes = new(StringComparer.Ordinal)
    {
        "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2",
        "I16", "U16", "F16", "BF16", "I32", "U32", "U64", "C64",
    };

    /// <summary>The safetensors name of <paramref name="dtype"/>.</summary>
    public static string Name(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Bool => "BOOL",
        _ => "I64",
    };

    /// <summary>The bytes one element of <paramref name="dtype"/> takes.</summary>
    public static int Size(DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Bool => 1,
        _ => 8,
    };

    /// <summary>
    /// The position of <paramref name="dtype"/> in the reference implementation's <c>Dtype</c>
    /// enum (BOOL &lt; F32 &lt; F64 &lt; I64). Its writer lays tensors out by this, descending, then by
    /// name; ours does the same so that the bytes match.
    /// </summary>
    public static int WriteOrder(DType dtype) => dtype switch
    {
        DType.Float32 => 0,
        DType.Float64 => 1,
        DType.Bool => -1,
        _ => 2,
    };

    /// <summary>The <see cref="DType"/> named <paramref name="name"/>, if Backprop holds it.</summary>
    public static bool TryParse(string name, out DType dtype)
    {
        switch (name)
        {
            case "F32": dtype = DType.Float32; return true;
            case "F64": dtype = DType.Float64; return true;
            case "I64": dtype = DType.Int64; return true;
            case "BOOL": dtype = DType.Bool; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Whether <paramref name="name"/> is a safetensors element type that Backprop cannot hold.</summary>
    public static bool IsOtherFormatType(string name) => s_otherFormatTypes.Contains(name);
}
