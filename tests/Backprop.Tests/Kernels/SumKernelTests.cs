using Backprop.Kernels;
using CsCheck;

namespace Backprop.Tests.Kernels;

/// <summary>The blocked sum and the blocked reduction along an axis, against double-precision sums.</summary>
public class SumKernelTests
{
    [Fact]
    public void EmptyIsZeroAndNaNPropagates()
    {
        Assert.Equal(0f, SumKernel.Sum<float>([]));
        Assert.True(float.IsNaN(SumKernel.Sum<float>([1, float.NaN, 2])));
        var long1 = new float[10_000];
        long1[9_999] = float.NaN;
        Assert.True(float.IsNaN(SumKernel.Sum<float>(long1)));
        Assert.True(float.IsNaN(SumKernel.Sum<float>([float.PositiveInfinity, float.NegativeInfinity])));
        Assert.Equal(float.PositiveInfinity, SumKernel.Sum<float>([1, float.PositiveInfinity]));
    }

    [Fact]
    public void AnyLengthMatchesTheDoubleSum()
    {
        // Lengths around every vector width and block boundary; values of mixed sign and scale.
        Gen.Select(Gen.Int[0, 3 * SumKernel.BlockLength + 70], Gen.UInt).Sample((length, seed) =>
        {
            var random = new System.Random((int)seed);
            var x = new float[length];
            double exact = 0, magnitude = 0;
            for (int i = 0; i < length; i++)
            {
                x[i] = (float)((random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-3, 4)));
                exact += x[i];
                magnitude += Math.Abs(x[i]);
            }
            float sum = SumKernel.Sum<float>(x);
            return Math.Abs(sum - exact) <= 1e-6 * magnitude + 1e-30;
        }, iter: 200);
    }

    [Fact]
    public void AlongAnAxisMatchesTheDoubleSumPerColumn()
    {
        foreach ((int outer, int n, int inner) in new[] { (1, 1000, 3), (2, 129, 5), (3, 4, 17), (1, 300, 1), (2, 0, 4), (1, 257, 64) })
        {
            var random = new System.Random(n * 31 + inner);
            var x = new float[outer * n * inner];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 0.5);
            var y = new float[outer * inner];
            ReduceKernels.Sum<float>(x, y, outer, n, inner);
            for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double exact = 0;
                for (int j = 0; j < n; j++) exact += x[(o * n + j) * inner + i];
                Assert.True(Math.Abs(y[o * inner + i] - exact) <= 1e-5 * Math.Max(1, Math.Abs(exact)), $"[{outer},{n},{inner}] ({o},{i}): {y[o * inner + i]} vs {exact}");
            }
        }
    }

    [Fact]
    public void UpToABlockOfRowsAddsThemInOrderInTheElementType()
    {
        // Up to 128 rows (one block) a column is summed in the element type from zero, one row
        // after another: narrow rows (in a register) and wide ones (a row at a time) alike, in
        // float and double, so a Linear layer's bias gradient has the composed form's bits.
        foreach ((int n, int inner) in new[] { (10, 8), (10, 1 + 8), (3, 7), (128, 64), (128, 65), (1, 3), (100, 63), (7, 130) })
        {
            var random = new System.Random(n * 131 + inner);
            var x = new float[n * inner];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 0.5) * (i % 5 == 0 ? 1e4f : 1f);
            x[0] = -0f;
            var y = new float[inner];
            ReduceKernels.Sum<float>(x, y, 1, n, inner);
            var yd = new double[inner];
            double[] xd = [.. x.Select(v => (double)v * 1.1)];
            ReduceKernels.Sum<double>(xd, yd, 1, n, inner);
            for (int i = 0; i < inner; i++)
            {
                float expected = 0f;
                double expectedDouble = 0;
                for (int j = 0; j < n; j++)
                {
                    expected += x[j * inner + i];
                    expectedDouble += xd[j * inner + i];
                }
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(y[i]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(expectedDouble), BitConverter.DoubleToInt64Bits(yd[i]));
            }
        }
    }
}
