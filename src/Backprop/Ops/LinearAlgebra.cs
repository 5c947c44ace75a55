using Backprop.Kernels;

namespace Backprop;

public partial class Tensor
{
    /// <summary>
    /// The matrix product, as <c>torch.matmul</c>: vector·vector is a dot product (a scalar);
    /// a vector on the left (right) is a row (column) that is removed from the result; with more
    /// than two dimensions the leading ones are batch dimensions, broadcast against each other.
    /// d/dA = G·Bᵀ, d/dB = Aᵀ·G (summed over broadcast batch dimensions).
    /// </summary>
    /// <param name="other">The right operand.</param>
    /// <exception cref="ArgumentException">The inner dimensions differ, or the batch dimensions cannot be broadcast.</exception>
    public Tensor MatMul(Tensor other)
    {
        DTypes.RequireSame("MatMul", this, other);
        if (Rank == 0 || other.Rank == 0)
            throw new ArgumentException($"MatMul: {ShapeMath.Format(_shape)} @ {ShapeMath.Format(other._shape)}: both operands need at least one dimension");
        int k = _shape[^1], kOther = other.Rank == 1 ? other._shape[0] : other._shape[^2];
        if (k != kOther)
            throw new ArgumentException($"MatMul: {ShapeMath.Format(_shape)} @ {ShapeMath.Format(other._shape)}: inner dimensions {k} and {kOther} differ");

        Tensor a = Rank == 1 ? Unsqueeze(0) : this;
        Tensor b = other.Rank == 1 ? other.Unsqueeze(-1) : other;
        Tensor product = MatrixProduct(a, b);
        if (other.Rank == 1) product = product.Squeeze(-1);
        if (Rank == 1) product = product.Squeeze(Rank == 1 && other.Rank == 1 ? 0 : -2);
        return product;
    }

    /// <summary>The product of two tensors of rank ≥ 2 with broadcast batch dimensions, recorded.</summary>
    private static Tensor MatrixProduct(Tensor a, Tensor b)
    {
        int m = a._shape[^2], k = a._shape[^1], n = b._shape[^1];
        int[] batch = ShapeMath.Broadcast("MatMul", a._shape[..^2], b._shape[..^2]);
        int[] shape = [.. batch, m, n];
        Tensor result = Uninitialized(a.DType, shape); // the kernel writes every element (k = 0 zeroes)
        Tensor av = ShapeOps.ExpandView(a, [.. batch, m, k]);
        Tensor bv = ShapeOps.ExpandView(b, [.. batch, k, n]);
        int batches = ShapeMath.Count(batch);
        Span<int> index = stackalloc int[Math.Max(batch.Length, 1)];
        for (int t = 0; t < batches; t++)
        {
            int offsetA = av.Offset, offsetB = bv.Offset;
            for (int d = 0; d < batch.Length; d++)
            {
                offsetA += index[d] * av.Strides[d];
                offsetB += index[d] * bv.Strides[d];
            }
            int rank = shape.Length;
            if (a.DType == DType.Float32)
            {
                MatMulKernel.Multiply(av.Storage<float>().AsSpan(offsetA), av.Strides[rank - 2], av.Strides[rank - 1],
                    bv.Storage<float>().AsSpan(offsetB), bv.Strides[rank - 2], bv.Strides[rank - 1],
                    result.Storage<float>().AsSpan(t * m * n, m * n), m, n, k);
            }
            else
            {
                MatMulKernel.Multiply(av.Storage<double>().AsSpan(offsetA), av.Strides[rank - 2], av.Strides[rank - 1],
                    bv.Storage<double>().AsSpan(offsetB), bv.Strides[rank - 2], bv.Strides[rank - 1],
                    result.Storage<double>().AsSpan(t * m * n, m * n), m, n, k);
            }
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                if (++index[d] < batch[d]) break;
                index[d] = 0;
            }
        }
        return TensorGraph.Record(result, "MatMul", [a, b], [a, b], g =>
        [
            a.RequiresGrad ? g.MatMul(b.Transpose(-2, -1)).SumTo(a._shape) : null,
            b.RequiresGrad ? RightGradient(a, b, g) : null,
        ]);
    }

    /// <summary>
    /// d/dB = Aᵀ·G, laid out as B is: when B is a transposed matrix (a Linear layer's weight,
    /// read as Wᵀ), (Gᵀ·A)ᵀ gives the same numbers as a transposed view of a contiguous product,
    /// so the weight's own gradient comes out contiguous and is never copied to be made so.
    /// </summary>
    private static Tensor RightGradient(Tensor a, Tensor b, Tensor g)
    {
        bool bIsTransposed = a.Rank == 2 && b.Rank == 2 && !b.IsContiguous && b.Strides[0] == 1 && b.Strides[1] == b._shape[0];
        return bIsTransposed
            ? g.Transpose(-2, -1).MatMul(a).Transpose(-2, -1)
            : a.Transpose(-2, -1).MatMul(g).SumTo(b._shape);
    }
}
