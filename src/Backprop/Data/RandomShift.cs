using Backprop.Random;

namespace Backprop.Data;

/// <summary>
/// Data augmentation for images given as flat rows of pixels [N, side·side]: each image moves
/// by a random whole number of pixels, from -<see cref="MaxShift"/> to +<see cref="MaxShift"/>
/// in each direction (drawn from a seeded generator, so a seed fixes every shift), and the
/// pixels that enter are 0. Use it as <see cref="Training.ModuleTrainingTask.Augment"/>.
/// </summary>
public sealed class RandomShift
{
    private readonly NumpyRandom _random;

    /// <summary>Creates the augmentation.</summary>
    /// <param name="side">The images' height and width.</param>
    /// <param name="maxShift">The largest shift in pixels (2 for MNIST's usual ±2).</param>
    /// <param name="random">The generator for the shifts.</param>
    public RandomShift(int side, int maxShift, NumpyRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        Side = side;
        MaxShift = maxShift;
        _random = random ?? throw new ArgumentNullException(nameof(random));
    }

    /// <summary>The images' height and width.</summary>
    public int Side { get; }

    /// <summary>The largest shift in pixels.</summary>
    public int MaxShift { get; }

    /// <summary>A shifted copy of <paramref name="batch"/> (not recorded for autograd: inputs need no gradient).</summary>
    /// <param name="batch">Float32 images [N, side·side].</param>
    /// <exception cref="ArgumentException">The rows are not side·side pixels of float.</exception>
    public Tensor Apply(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int plane = Side * Side;
        if (batch.Rank != 2 || batch.Shape[1] != plane || batch.DType != DType.Float32)
            throw new ArgumentException($"RandomShift: expected Float32 [N,{plane}] ({Side}x{Side} images), got {batch.DType} [{string.Join(",", batch.Shape)}]", nameof(batch));
        float[] source = batch.ToFloatArray();
        var shifted = new float[source.Length];
        uint range = (uint)(2 * MaxShift);
        for (int n = 0; n < batch.Shape[0]; n++)
        {
            // Output pixel (r, c) shows input pixel (r - dy, c - dx).
            int dy = (int)_random.NextInterval(range) - MaxShift, dx = (int)_random.NextInterval(range) - MaxShift;
            int rowFrom = Math.Max(0, dy), rowTo = Math.Min(Side, Side + dy);
            int colFrom = Math.Max(0, dx), colTo = Math.Min(Side, Side + dx);
            if (colTo <= colFrom) continue; // shifted out entirely: all zeros
            for (int r = rowFrom; r < rowTo; r++)
                Array.Copy(source, n * plane + (r - dy) * Side + colFrom - dx, shifted, n * plane + r * Side + colFrom, Math.Max(0, colTo - colFrom));
        }
        return Tensor.FromArray(shifted, batch.Shape[0], plane);
    }
}
