namespace Backprop;

/// <summary>Shape arithmetic shared by the tensor ops: counts, strides, broadcasting, dimension indices.</summary>
internal static class ShapeMath
{
    /// <summary>The number of elements of a tensor of <paramref name="shape"/> (1 for a scalar).</summary>
    public static int Count(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        if (count > Array.MaxLength)
            throw new ArgumentException($"shape {Format(shape)} has {count} elements, more than an array can hold");
        return (int)count;
    }

    /// <summary>Row-major (C-order) strides for <paramref name="shape"/>.</summary>
    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    /// <summary>Whether <paramref name="strides"/> are exactly <see cref="ContiguousStrides"/> of <paramref name="shape"/>.</summary>
    public static bool AreContiguousStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        int stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (strides[i] != stride) return false;
            stride *= Math.Max(shape[i], 1);
        }
        return true;
    }

    /// <summary>
    /// The NumPy broadcast of two shapes: aligned at the right, each pair of sizes equal or one
    /// of them 1.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast; the message names the op and both shapes.</exception>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast (dimension {i}: {da} vs {db})");
            shape[i] = da == 1 ? db : da;
        }
        return shape;
    }

    /// <summary>A dimension index with negative values counted from the end, checked against the rank.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The dimension is out of range; the message names the op, the index and the rank.</exception>
    public static int NormalizeDim(string op, int dim, int rank)
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= Math.Max(rank, 1) || (rank == 0 && dim is not (0 or -1)))
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dimension {dim} is out of range for a tensor of rank {rank}");
        return rank == 0 ? 0 : d;
    }

    /// <summary>Whether two shapes are equal.</summary>
    public static bool Same(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>A shape as PyTorch prints it in messages: <c>[3,4]</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";
}
