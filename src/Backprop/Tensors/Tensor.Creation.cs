using Backprop.Random;

namespace Backprop;

public partial class Tensor
{
    /// <summary>A 1-D float tensor holding a copy of <paramref name="data"/>.</summary>
    /// <param name="data">The elements.</param>
    public static Tensor FromArray(float[] data) => FromArrayCore(data, [data?.Length ?? 0]);

    /// <summary>A float tensor holding a copy of <paramref name="data"/> in row-major order.</summary>
    /// <param name="data">The elements.</param>
    /// <param name="shape">The shape; empty (<c>[]</c>) for a zero-dimensional tensor of one element, as <c>torch.tensor(5.0)</c>.</param>
    /// <exception cref="ArgumentException">The shape's element count differs from the data's length.</exception>
    public static Tensor FromArray(float[] data, params int[] shape) => FromArrayCore(data, shape);

    /// <summary>A 1-D double tensor holding a copy of <paramref name="data"/>.</summary>
    /// <param name="data">The elements.</param>
    public static Tensor FromArray(double[] data) => FromArrayCore(data, [data?.Length ?? 0]);

    /// <summary>A double tensor holding a copy of <paramref name="data"/> in row-major order.</summary>
    /// <param name="data">The elements.</param>
    /// <param name="shape">The shape; empty (<c>[]</c>) for a zero-dimensional tensor of one element.</param>
    /// <exception cref="ArgumentException">The shape's element count differs from the data's length.</exception>
    public static Tensor FromArray(double[] data, params int[] shape) => FromArrayCore(data, shape);

    /// <summary>A 1-D Int64 (index) tensor holding a copy of <paramref name="data"/>.</summary>
    /// <param name="data">The indices.</param>
    public static Tensor FromArray(long[] data) => FromArrayCore(data, [data?.Length ?? 0]);

    /// <summary>An Int64 (index) tensor holding a copy of <paramref name="data"/>.</summary>
    /// <param name="data">The indices.</param>
    /// <param name="shape">The shape; empty (<c>[]</c>) for a zero-dimensional tensor of one element.</param>
    /// <exception cref="ArgumentException">The shape's element count differs from the data's length.</exception>
    public static Tensor FromArray(long[] data, params int[] shape) => FromArrayCore(data, shape);

    /// <summary>A 1-D Bool tensor (a mask) holding a copy of <paramref name="data"/>.</summary>
    /// <param name="data">The truth values.</param>
    public static Tensor FromArray(bool[] data) => FromArrayCore(data, [data?.Length ?? 0]);

    /// <summary>A Bool tensor (a mask) holding a copy of <paramref name="data"/> in row-major order.</summary>
    /// <param name="data">The truth values.</param>
    /// <param name="shape">The shape; empty (<c>[]</c>) for a zero-dimensional tensor of one element.</param>
    /// <exception cref="ArgumentException">The shape's element count differs from the data's length.</exception>
    public static Tensor FromArray(bool[] data, params int[] shape) => FromArrayCore(data, shape);

    private static Tensor FromArrayCore<T>(T[] data, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] dims = CheckShape("FromArray", shape);
        if (ShapeMath.Count(dims) != data.Length)
            throw new ArgumentException($"FromArray: shape {ShapeMath.Format(dims)} holds {ShapeMath.Count(dims)} elements but the data has {data.Length}", nameof(shape));
        return Wrap((T[])data.Clone(), dims);
    }

    /// <summary>A zero-dimensional tensor holding one number.</summary>
    /// <param name="value">The number.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full([], value, dtype);

    /// <summary>A float tensor of zeros.</summary>
    /// <param name="shape">The shape.</param>
    public static Tensor Zeros(params int[] shape) => Full(shape, 0, DType.Float32);

    /// <summary>A tensor of zeros of the given type.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Zeros(int[] shape, DType dtype) => Full(shape, 0, dtype);

    /// <summary>A float tensor of ones.</summary>
    /// <param name="shape">The shape.</param>
    public static Tensor Ones(params int[] shape) => Full(shape, 1, DType.Float32);

    /// <summary>A tensor of ones of the given type.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Ones(int[] shape, DType dtype) => Full(shape, 1, dtype);

    /// <summary>A tensor with every element equal to <paramref name="value"/>.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="value">The value.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32)
    {
        Tensor t = Empty(dtype, CheckShape("Full", shape));
        if (value != 0) t.FillWith(value);
        return t;
    }

    /// <summary>Zeros shaped and typed like <paramref name="other"/>.</summary>
    /// <param name="other">The tensor to copy the shape and type of.</param>
    public static Tensor ZerosLike(Tensor other) => Empty(other.DType, (int[])other._shape.Clone());

    /// <summary>Ones shaped and typed like <paramref name="other"/>.</summary>
    /// <param name="other">The tensor to copy the shape and type of.</param>
    public static Tensor OnesLike(Tensor other) => Full((int[])other._shape.Clone(), 1, other.DType);

    /// <summary>
    /// The numbers <paramref name="start"/>, <paramref name="start"/> + <paramref name="step"/>, …
    /// below <paramref name="end"/> (above it for a negative step), as <c>torch.arange</c>.
    /// </summary>
    /// <param name="start">The first value.</param>
    /// <param name="end">The bound, not included.</param>
    /// <param name="step">The increment; not zero.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(start) || !double.IsFinite(end))
            throw new ArgumentException($"Arange: start {start}, end {end} and step {step} must be finite and step non-zero");
        int count = Math.Max(0, (int)Math.Ceiling((end - start) / step));
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = start + i * step;
        return FromDoubles(values, [count], dtype);
    }

    /// <summary>The numbers 0, 1, …, <paramref name="end"/> − 1, as <c>torch.arange(end)</c> (but Float32 unless <paramref name="dtype"/> says otherwise: PyTorch makes Int64 from integer bounds).</summary>
    /// <param name="end">The bound, not included.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Arange(double end, DType dtype = DType.Float32) => Arange(0, end, 1, dtype);

    /// <summary><paramref name="steps"/> evenly spaced numbers from <paramref name="start"/> to <paramref name="end"/> inclusive, as <c>torch.linspace</c>.</summary>
    /// <param name="start">The first value.</param>
    /// <param name="end">The last value.</param>
    /// <param name="steps">How many; at least 0.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var values = new double[steps];
        double delta = steps > 1 ? (end - start) / (steps - 1) : 0;
        for (int i = 0; i < steps; i++) values[i] = i == steps - 1 && steps > 1 ? end : start + i * delta;
        return FromDoubles(values, [steps], dtype);
    }

    /// <summary>The <paramref name="rows"/>×<paramref name="columns"/> identity matrix (ones on the diagonal).</summary>
    /// <param name="rows">Rows.</param>
    /// <param name="columns">Columns; omitted, square.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Eye(int rows, int? columns = null, DType dtype = DType.Float32)
    {
        int cols = columns ?? rows;
        CheckShape("Eye", [rows, cols]);
        var values = new double[rows * cols];
        for (int i = 0; i < Math.Min(rows, cols); i++) values[i * cols + i] = 1;
        return FromDoubles(values, [rows, cols], dtype);
    }

    /// <summary>Uniform numbers in [0, 1) from <paramref name="random"/> (numpy's <c>rand</c> stream).</summary>
    /// <param name="random">The seeded generator.</param>
    /// <param name="shape">The shape.</param>
    public static Tensor Rand(NumpyRandom random, params int[] shape) => Rand(random, shape, DType.Float32);

    /// <summary>Uniform numbers in [0, 1) from <paramref name="random"/>, of the given type.</summary>
    /// <param name="random">The seeded generator.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Rand(NumpyRandom random, int[] shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(random);
        int[] dims = CheckShape("Rand", shape);
        return FromDoubles(random.Rand(ShapeMath.Count(dims)), dims, dtype);
    }

    /// <summary>Standard normal numbers from <paramref name="random"/> (numpy's <c>randn</c> stream, bit for bit in Float64).</summary>
    /// <param name="random">The seeded generator.</param>
    /// <param name="shape">The shape.</param>
    public static Tensor Randn(NumpyRandom random, params int[] shape) => Randn(random, shape, DType.Float32);

    /// <summary>Standard normal numbers from <paramref name="random"/>, of the given type.</summary>
    /// <param name="random">The seeded generator.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="dtype">The element type.</param>
    public static Tensor Randn(NumpyRandom random, int[] shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(random);
        int[] dims = CheckShape("Randn", shape);
        return FromDoubles(random.Randn(ShapeMath.Count(dims)), dims, dtype);
    }

    /// <summary>A tensor of <paramref name="dtype"/> from doubles (rounded to float for Float32, truncated for Int64, non-zero is true for Bool).</summary>
    internal static Tensor FromDoubles(double[] values, int[] shape, DType dtype) => dtype switch
    {
        DType.Float64 => Wrap(values, shape),
        DType.Float32 => Wrap(Array.ConvertAll(values, v => (float)v), shape),
        DType.Bool => Wrap(Array.ConvertAll(values, v => v != 0), shape),
        _ => Wrap(Array.ConvertAll(values, v => (long)v), shape),
    };

    /// <summary>Sets every element (of this contiguous, freshly made tensor) to <paramref name="value"/>.</summary>
    private void FillWith(double value)
    {
        switch (StorageArray)
        {
            case float[] f: f.AsSpan(_offset, Count).Fill((float)value); break;
            case double[] d: d.AsSpan(_offset, Count).Fill(value); break;
            case bool[] b: b.AsSpan(_offset, Count).Fill(value != 0); break;
            default: ((long[])StorageArray).AsSpan(_offset, Count).Fill((long)value); break;
        }
    }

    private static int[] CheckShape(string op, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"{op}: shape {ShapeMath.Format(shape)} has a negative size", nameof(shape));
        }
        return (int[])shape.Clone();
    }
}
