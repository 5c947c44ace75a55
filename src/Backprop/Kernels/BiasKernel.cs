using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Adds a bias row to every row of a row-major matrix in place: <c>y[i, j] += b[j]</c>, the
/// epilogue of <see cref="Tensor.Linear"/>.
/// </summary>
/// <remarks>
/// Each element gets one rounded addition, exactly what a broadcast <c>y + b</c> computes (so
/// the fused op and the composed one agree to the bit). NaN and infinities propagate as IEEE
/// addition does. An empty bias requires an empty matrix.
/// </remarks>
internal static class BiasKernel
{
    /// <summary>Adds <paramref name="bias"/> to each consecutive row of <paramref name="matrix"/> (its length a multiple of the bias's).</summary>
    /// <exception cref="ArgumentException">The matrix's length is not a multiple of the bias's.</exception>
    public static void AddRows<T>(Span<T> matrix, ReadOnlySpan<T> bias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = bias.Length;
        if (width == 0 ? matrix.Length != 0 : matrix.Length % width != 0)
            throw new ArgumentException($"internal: a matrix of {matrix.Length} elements does not have rows of {width}");
        for (int start = 0; start < matrix.Length; start += width)
        {
            Span<T> row = matrix.Slice(start, width);
            TensorPrimitives.Add(row, bias, row);
        }
    }
}
