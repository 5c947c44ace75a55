namespace Backprop.Kernels;

/// <summary>
/// Copies a strided view (transposed, sliced, expanded with zero strides) into contiguous
/// row-major order. The innermost dimension is copied in a tight loop (a block copy when its
/// stride is 1); the outer dimensions step through an index counter.
/// </summary>
internal static class StridedCopy
{
    /// <summary>
    /// <paramref name="t"/> itself when contiguous, else a contiguous copy of its elements;
    /// no autograd (callers record when they need to).
    /// </summary>
    public static Tensor ToContiguous(Tensor t) => t.IsContiguous ? t : Fresh(t);

    /// <summary>A contiguous copy of <paramref name="t"/>'s elements in storage of its own, always; no autograd.</summary>
    public static Tensor Fresh(Tensor t)
    {
        Tensor result = Tensor.Uninitialized(t.DType, (int[])t.ShapeArray.Clone());
        switch (t.StorageArray)
        {
            case float[] f: Copy(f, t.Offset, t.ShapeArray, t.Strides, result.Span<float>()); break;
            case double[] d: Copy(d, t.Offset, t.ShapeArray, t.Strides, result.Span<double>()); break;
            case bool[] b: Copy(b, t.Offset, t.ShapeArray, t.Strides, result.Span<bool>()); break;
            default: Copy((long[])t.StorageArray, t.Offset, t.ShapeArray, t.Strides, result.Span<long>()); break;
        }
        return result;
    }

    /// <summary>Copies the view (<paramref name="offset"/>, <paramref name="shape"/>, <paramref name="strides"/>) of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void Copy<T>(T[] source, int offset, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, Span<T> destination)
    {
        int rank = shape.Length;
        if (rank == 0)
        {
            destination[0] = source[offset];
            return;
        }
        int count = ShapeMath.Count(shape);
        if (count == 0) return;

        int inner = shape[rank - 1];
        int innerStride = strides[rank - 1];
        Span<int> index = stackalloc int[rank];
        int position = offset;
        for (int written = 0; written < count; written += inner)
        {
            Span<T> row = destination.Slice(written, inner);
            if (innerStride == 1) source.AsSpan(position, inner).CopyTo(row);
            else if (innerStride == 0) row.Fill(source[position]);
            else for (int j = 0, p = position; j < inner; j++, p += innerStride) row[j] = source[p];

            // Advance the outer index like an odometer.
            for (int d = rank - 2; d >= 0; d--)
            {
                position += strides[d];
                if (++index[d] < shape[d]) break;
                position -= strides[d] * shape[d];
                index[d] = 0;
            }
        }
    }
}
