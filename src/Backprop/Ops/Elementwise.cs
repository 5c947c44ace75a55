using Backprop.Kernels;
using System.Numerics;

namespace Backprop;

/// <summary>
/// Runs elementwise kernels over tensors: the dtype dispatch, contiguity, and NumPy
/// broadcasting for binary kernels (with fast paths for equal shapes, a scalar operand, and an
/// operand repeated along leading dimensions, such as a bias row). No autograd here: the ops
/// in <c>Ops/</c> record their own rules.
/// </summary>
internal static class Elementwise
{
    /// <summary><c>f(x)</c> element by element into a new contiguous tensor.</summary>
    public static Tensor Map<TKernel>(string op, Tensor x) where TKernel : IUnaryKernel
    {
        DTypes.RequireFloat(op, x);
        Tensor source = StridedCopy.ToContiguous(x);
        // Shapes are never written after a tensor is made, so the result shares its input's.
        Tensor result = Tensor.UninitializedLike(source);
        if (x.DType == DType.Float32) TKernel.Apply<float>(source.Span<float>(), result.Span<float>());
        else TKernel.Apply<double>(source.Span<double>(), result.Span<double>());
        return result;
    }

    /// <summary><c>f(a, b)</c> element by element with broadcasting, into a new contiguous tensor.</summary>
    /// <exception cref="ArgumentException">Types differ or shapes cannot be broadcast (the message names the op and both shapes).</exception>
    public static Tensor Zip<TKernel>(string op, Tensor a, Tensor b) where TKernel : IBinaryKernel
    {
        DTypes.RequireSame(op, a, b);
        int[] shape = BroadcastShape(op, a, b);
        Tensor result = ReferenceEquals(shape, a.ShapeArray) ? Tensor.UninitializedLike(a)
            : ReferenceEquals(shape, b.ShapeArray) ? Tensor.UninitializedLike(b)
            : Tensor.Uninitialized(a.DType, shape);
        if (a.DType == DType.Float32) Zip<TKernel, float>(a, b, result);
        else Zip<TKernel, double>(a, b, result);
        return result;
    }

    /// <summary>
    /// The broadcast shape of the operands: an operand's own (never-written) shape array when it
    /// is the result's, as it is for equal shapes and a scalar operand, else a new one.
    /// </summary>
    private static int[] BroadcastShape(string op, Tensor a, Tensor b)
    {
        int[] sa = a.ShapeArray, sb = b.ShapeArray;
        if (ShapeMath.Same(sa, sb) || (sb.Length <= sa.Length && b.Count == 1)) return sa;
        if (sa.Length <= sb.Length && a.Count == 1) return sb;
        return ShapeMath.Broadcast(op, sa, sb);
    }

    private static void Zip<TKernel, T>(Tensor a, Tensor b, Tensor result)
        where TKernel : IBinaryKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> d = result.Span<T>();
        if (d.Length == 0) return;
        int[] shape = result.ShapeArray;
        if (b.Count == 1)
        {
            TKernel.Apply(Operand<T>(a, shape), First<T>(b), d);
        }
        else if (a.Count == 1)
        {
            TKernel.Apply(First<T>(a), Operand<T>(b, shape), d);
        }
        else if (IsTrailingBlock(b, shape, out int blockB) && ShapeMath.Same(a.ShapeArray, shape))
        {
            ReadOnlySpan<T> x = StridedCopy.ToContiguous(a).Span<T>(), y = StridedCopy.ToContiguous(b).Span<T>();
            for (int start = 0; start < d.Length; start += blockB)
                TKernel.Apply(x.Slice(start, blockB), y, d.Slice(start, blockB));
        }
        else if (IsTrailingBlock(a, shape, out int blockA) && ShapeMath.Same(b.ShapeArray, shape))
        {
            ReadOnlySpan<T> x = StridedCopy.ToContiguous(a).Span<T>(), y = StridedCopy.ToContiguous(b).Span<T>();
            for (int start = 0; start < d.Length; start += blockA)
                TKernel.Apply(x, y.Slice(start, blockA), d.Slice(start, blockA));
        }
        else
        {
            TKernel.Apply(Operand<T>(a, shape), Operand<T>(b, shape), d);
        }
    }

    /// <summary>
    /// Whether <paramref name="t"/>, broadcast to <paramref name="shape"/>, repeats one contiguous
    /// block of its own elements (its shape equals a suffix of <paramref name="shape"/> after
    /// leading 1s), as a bias row against a batch does.
    /// </summary>
    private static bool IsTrailingBlock(Tensor t, int[] shape, out int block)
    {
        block = t.Count;
        int[] s = t.ShapeArray;
        int skip = 0;
        while (skip < s.Length && s[skip] == 1) skip++;
        int trailing = s.Length - skip;
        if (trailing == 0 || trailing > shape.Length) return false;
        for (int i = 0; i < trailing; i++)
        {
            if (s[skip + i] != shape[shape.Length - trailing + i]) return false;
        }
        return block > 0;
    }

    /// <summary>The elements of <paramref name="t"/> broadcast to <paramref name="shape"/>, contiguous.</summary>
    private static ReadOnlySpan<T> Operand<T>(Tensor t, int[] shape) where T : unmanaged
    {
        if (ShapeMath.Same(t.ShapeArray, shape)) return StridedCopy.ToContiguous(t).Span<T>();
        return StridedCopy.ToContiguous(ShapeOps.ExpandView(t, shape)).Span<T>();
    }

    private static T First<T>(Tensor t) where T : unmanaged => t.Storage<T>()[t.Offset];
}
