using Backprop.NN;
using Backprop.Random;
using CsCheck;
using static Backprop.Tests.Tensors.TensorTestData;

namespace Backprop.Tests.Convolution;

/// <summary>Max, average and adaptive pooling, Flatten/Unflatten and Dropout2d: values, indices, gradients, errors.</summary>
public class PoolingTests
{
    private static Tensor Arange(params int[] shape) =>
        Tensor.Arange(0, shape.Aggregate(1, (a, b) => a * b), 1, DType.Float64).Reshape(shape);

    [Fact]
    public void MaxPoolTakesTheLargestOfEachWindowAndSaysWhere()
    {
        Tensor x = Tensor.FromArray(new double[] { 1, 5, 2, 0, 3, 4, 9, 1, 7, 8, 6, 2, 0, 1, 3, 9 }, 1, 1, 4, 4);
        (Tensor values, Tensor indices) = x.MaxPool2dWithIndices(2);
        Assert.Equal([5.0, 9, 8, 9], values.ToDoubleArray());
        Assert.Equal([1L, 6, 9, 15], indices.ToArray<long>());
        Assert.Equal(DType.Int64, indices.DType);
        // Stride 1, padding 1: padding never wins, even over negative values.
        Tensor negative = Tensor.FromArray(new double[] { -3, -1, -2, -4 }, 1, 2, 2);
        Assert.Equal([-3.0, -1, -1, -2, -1, -1, -2, -2, -4], negative.MaxPool2d(2, 1, 1).ToDoubleArray());
        // Dilation 2 on a 5x5 ramp with a 2x2 kernel: taps (i, j), (i, j+2), (i+2, j), (i+2, j+2); the last is largest.
        Assert.Equal([12.0, 13, 14, 17, 18, 19, 22, 23, 24], Arange(1, 1, 5, 5).MaxPool2d(2, 1, 0, 2).ToDoubleArray());
    }

    [Fact]
    public void MaxPoolPropagatesNaNAsPyTorchDoes()
    {
        Tensor x = Tensor.FromArray(new[] { 1f, float.NaN, 3, 2 }, 1, 1, 2, 2);
        Assert.True(float.IsNaN(x.MaxPool2d(2).ToFloatArray()[0]));
    }

    [Fact]
    public void MaxPoolAgreesWithTheDirectLoopsOnRandomShapes()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 2], Gen.Bool, Gen.UInt).Sample((k, s, d, pad, ceil, seed) =>
        {
            int p = Math.Min(pad, k / 2);
            Tensor x = Tensor.Randn(new NumpyRandom(seed), [2, 3, 9, 8], DType.Float64);
            double[] data = x.ToDoubleArray();
            int span = d * (k - 1) + 1;
            // PyTorch's output size: rounded up in ceil mode, unless the last window would start in the right padding.
            int Extent(int size)
            {
                int n = (ceil ? (size + 2 * p - span + s - 1) / s : (size + 2 * p - span) / s) + 1;
                return ceil && (n - 1) * s >= size + p ? n - 1 : n;
            }
            int oh = Extent(9), ow = Extent(8);
            var expected = new List<double>();
            for (int plane = 0; plane < 6; plane++)
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double best = double.NegativeInfinity;
                for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++)
                {
                    int r = i * s - p + a * d, c = j * s - p + b * d;
                    if (r >= 0 && r < 9 && c >= 0 && c < 8) best = Math.Max(best, data[plane * 72 + r * 8 + c]);
                }
                expected.Add(best);
            }
            Assert.Equal(expected.ToArray(), x.MaxPool2d(k, s, p, d, ceil).ToDoubleArray());
        }, iter: 100);
    }

    [Theory]
    [InlineData(DType.Float32, new[] { 2, 3, 9, 8 })]
    [InlineData(DType.Float64, new[] { 3, 5, 7, 7 })]
    [InlineData(DType.Float32, new[] { 2, 2, 6, 35 })] // 17 windows a row: eight, eight, one
    [InlineData(DType.Float32, new[] { 64, 32, 28, 28 })] // large enough to spread planes over threads
    public void TheTwoByTwoPathChoosesAsTheDirectLoopsDo(DType dtype, int[] shape)
    {
        // The common window (2x2, stride 2, no padding) has a path of its own: the same choice
        // as the general loops, ties to the first in row-major order, NaN over any number and a
        // later NaN over an earlier one (its index says which).
        var random = new NumpyRandom(41);
        int count = shape.Aggregate(1, (a, b) => a * b);
        double[] data = new double[count];
        for (int i = 0; i < count; i++)
        {
            double u = random.Uniform(0, 1);
            data[i] = u < 0.02 ? double.NaN : Math.Round(random.Normal(0, 2)); // rounded: many ties
        }
        Tensor x = Tensor.FromArray(data, shape).To(dtype);
        (Tensor values, Tensor indices) = x.MaxPool2dWithIndices(2);
        int h = shape[2], w = shape[3], oh = h / 2, ow = w / 2, planes = shape[0] * shape[1];
        double[] got = values.ToDoubleArray();
        long[] at = indices.ToArray<long>();
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double best = 0;
            int which = -1;
            foreach ((int r, int c) in new[] { (2 * i, 2 * j), (2 * i, 2 * j + 1), (2 * i + 1, 2 * j), (2 * i + 1, 2 * j + 1) })
            {
                double v = data[p * h * w + r * w + c];
                if (which < 0 || v > best || double.IsNaN(v)) (best, which) = (v, r * w + c);
            }
            int o = p * oh * ow + i * ow + j;
            Assert.True(which == at[o], $"plane {p} window ({i}, {j}): index {at[o]}, expected {which}");
            Assert.Equal(best, got[o]);
        }
    }

    [Theory]
    [InlineData(2, 3, 8, 8)]    // on the calling thread
    [InlineData(64, 32, 28, 28)] // large enough to spread the planes of the backward scatter over threads
    public void MaxPoolGradientGoesToTheChosenElement(int n, int c, int h, int w)
    {
        // d/dx Σ dy·maxpool(x): each dy lands on the index its window chose, every other element is 0.
        var random = new NumpyRandom(42);
        Tensor x = Tensor.Randn(random, n, c, h, w);
        x.RequiresGrad = true;
        Tensor dy = Tensor.Randn(random, n, c, h / 2, w / 2);
        (Tensor values, Tensor indices) = x.MaxPool2dWithIndices(2);
        (values * dy).Sum().Backward();
        double[] expected = new double[n * c * h * w], upstream = dy.ToDoubleArray();
        long[] at = indices.ToArray<long>();
        int outPlane = h / 2 * (w / 2);
        for (int o = 0; o < at.Length; o++) expected[o / outPlane * h * w + at[o]] += upstream[o];
        Assert.Equal(expected, x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void AveragePoolingDividesAsPyTorchDoes()
    {
        Tensor ones = Tensor.Ones([1, 1, 4, 4], DType.Float64);
        // Kernel 3, stride 2, padding 1: the top-left window holds 4 ones among 9 places.
        Assert.Equal([4.0 / 9, 6.0 / 9, 6.0 / 9, 1], ones.AvgPool2d(3, 2, 1).ToDoubleArray());
        Assert.Equal([1.0, 1, 1, 1], ones.AvgPool2d(3, 2, 1, countIncludePad: false).ToDoubleArray());
        Assert.Equal([2.5, 4.5, 10.5, 12.5], Arange(1, 1, 4, 4).AvgPool2d(2).ToDoubleArray());
        // Adaptive 5 -> 3: rows [0,2), [1,4), [3,5) of a column ramp 0..4 average 0.5, 2, 3.5.
        Tensor ramp = Tensor.Arange(0, 5, 1, DType.Float64).Reshape(1, 1, 5, 1).Expand(1, 1, 5, 2);
        Assert.Equal([0.5, 2, 3.5], ramp.AdaptiveAvgPool2d(3, 1).ToDoubleArray());
        Tensor x = Normal(1, 2, 3, 4, 5);
        double[] mean = x.Mean([2, 3]).ToDoubleArray(), pooled = x.AdaptiveAvgPool2d(1).Reshape(2, 3).ToDoubleArray();
        for (int i = 0; i < mean.Length; i++) Assert.Equal(mean[i], pooled[i], 1e-14);
    }

    [Fact]
    public void CeilModeAddsTheLastPartialWindowAsPyTorchDoes()
    {
        // Fixtures from PyTorch 1.13 (F.max_pool2d / F.avg_pool2d with ceil_mode=True).
        Tensor ramp = Arange(1, 1, 5, 5); // 0..24
        (Tensor values, Tensor indices) = ramp.MaxPool2dWithIndices(2, ceilMode: true);
        Assert.Equal([6.0, 8, 9, 16, 18, 19, 21, 23, 24], values.ToDoubleArray());
        Assert.Equal([6L, 8, 9, 16, 18, 19, 21, 23, 24], indices.ToArray<long>());
        Assert.Equal([3.0, 5, 6.5, 13, 15, 16.5, 20.5, 22.5, 24], ramp.AvgPool2d(2, ceilMode: true).ToDoubleArray());
        // Kernel 3, stride 2, padding 1 on 6x6 ones: a fourth window per axis, starting at 5, whose
        // divisor counts the 2 places within the padded input (1 input, 1 padding), or only the input.
        Tensor ones = Tensor.Ones([1, 1, 6, 6], DType.Float64);
        Assert.Equal([4.0 / 9, 6.0 / 9, 6.0 / 9, 1.0 / 3, 6.0 / 9, 1, 1, 0.5, 6.0 / 9, 1, 1, 0.5, 1.0 / 3, 0.5, 0.5, 0.25],
                     ones.AvgPool2d(3, 2, 1, ceilMode: true).ToDoubleArray());
        Assert.Equal(Enumerable.Repeat(1.0, 16), ones.AvgPool2d(3, 2, 1, countIncludePad: false, ceilMode: true).ToDoubleArray());
        // Output sizes (PyTorch's): size, kernel, stride, padding -> ceil, floor. (7, 2, 3, 1): rounding
        // up would start a third window at 8 - 1 = 7, in the right padding, so it is dropped.
        foreach ((int size, int k, int s, int p, int ceil, int floor) in new[] { (5, 3, 2, 1, 3, 3), (6, 3, 2, 1, 4, 3), (7, 2, 3, 1, 3, 3), (8, 3, 2, 1, 5, 4), (7, 3, 3, 1, 3, 3) })
        {
            Tensor x = Tensor.Zeros([1, 1, size, size], DType.Float64);
            Assert.Equal([1, 1, ceil, ceil], x.MaxPool2d(k, s, p, ceilMode: true).Shape);
            Assert.Equal([1, 1, ceil, ceil], x.AvgPool2d(k, s, p, ceilMode: true).Shape);
            Assert.Equal([1, 1, floor, floor], x.MaxPool2d(k, s, p).Shape);
        }
        // The modules pass it on.
        Assert.Equal(values.ToDoubleArray(), new MaxPool2d(2, ceilMode: true).Forward(ramp).ToDoubleArray());
        Assert.Equal(ones.AvgPool2d(3, 2, 1, false, true).ToDoubleArray(), new AvgPool2d(3, 2, 1, false, ceilMode: true).Forward(ones).ToDoubleArray());
    }

    [Theory]
    [InlineData(new[] { 2, 3, 9, 11 })]
    [InlineData(new[] { 64, 32, 27, 27 })] // planes spread over threads
    public void CeilModeWithTheTwoByTwoWindowTakesTheGeneralLoop(int[] shape)
    {
        // The 2x2 path covers whole windows only: with an odd size, ceil mode's last row and
        // column of windows hold one input row or column; the rest is as without ceil mode.
        Tensor x = Tensor.Randn(new NumpyRandom(43), shape);
        x.RequiresGrad = true;
        int h = shape[2], w = shape[3], oh = (h + 1) / 2, ow = (w + 1) / 2, planes = shape[0] * shape[1];
        (Tensor values, Tensor indices) = x.MaxPool2dWithIndices(2, ceilMode: true);
        Assert.Equal([shape[0], shape[1], oh, ow], values.Shape);
        float[] data = x.ToFloatArray(), got = values.ToFloatArray(), whole = x.MaxPool2d(2).ToFloatArray();
        long[] at = indices.ToArray<long>();
        for (int p = 0; p < planes; p++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            int o = (p * oh + i) * ow + j;
            if (i < h / 2 && j < w / 2)
            {
                Assert.Equal(whole[(p * (h / 2) + i) * (w / 2) + j], got[o]);
                continue;
            }
            float best = float.NegativeInfinity;
            long which = -1;
            for (int r = 2 * i; r < Math.Min(2 * i + 2, h); r++)
            for (int c = 2 * j; c < Math.Min(2 * j + 2, w); c++)
                if (which < 0 || data[p * h * w + r * w + c] > best) (best, which) = (data[p * h * w + r * w + c], r * w + c);
            Assert.Equal(best, got[o]);
            Assert.Equal(which, at[o]);
        }
        // The gradient lands on the chosen elements, the partial windows' included.
        values.Sum().Backward();
        float[] expected = new float[data.Length];
        for (int o = 0; o < at.Length; o++) expected[o / (oh * ow) * h * w + at[o]] += 1;
        Assert.Equal(expected, x.Grad!.ToFloatArray());
    }

    [Fact]
    public void PoolingGradientsMatchFiniteDifferences()
    {
        Tensor x = Normal(2, 2, 2, 5, 6);
        AssertGradCheck(t => t[0].MaxPool2d(2), x);
        AssertGradCheck(t => t[0].MaxPool2d(3, 2, 1), x);
        AssertGradCheck(t => t[0].MaxPool2d(2, 1, 1, 2), x);
        AssertGradCheck(t => t[0].AvgPool2d(3, 2, 1), x);
        AssertGradCheck(t => t[0].AvgPool2d(3, 1, 1, countIncludePad: false), x);
        AssertGradCheck(t => t[0].AvgPool2d(2), x);
        AssertGradCheck(t => t[0].AdaptiveAvgPool2d(3, 4), x);
        AssertGradCheck(t => t[0].AdaptiveAvgPool2d(1), x);
        AssertGradCheck(t => t[0][0].MaxPool2d(2), x); // [C, H, W]
        // Ceil mode: 5x6 gets a last, partial row of windows (kernel 2) or column (kernel 3, stride 2, padding 1).
        AssertGradCheck(t => t[0].MaxPool2d(2, ceilMode: true), x);
        AssertGradCheck(t => t[0].MaxPool2d(3, 2, 1, ceilMode: true), x);
        AssertGradCheck(t => t[0].AvgPool2d(2, ceilMode: true), x);
        AssertGradCheck(t => t[0].AvgPool2d(3, 2, 1, ceilMode: true), x);
        AssertGradCheck(t => t[0].AvgPool2d(3, 2, 1, countIncludePad: false, ceilMode: true), x);
        AssertGradCheck(t => t[0][0].AvgPool2d(2, ceilMode: true), x); // [C, H, W]
    }

    [Fact]
    public void SecondDerivativesThroughPooling()
    {
        Tensor x = Normal(3, 1, 2, 4, 4), w = Normal(4, 2, 2, 3, 3);
        Func<Tensor[], Tensor> loss = t => (t[0].Conv2d(t[1], padding: 1).MaxPool2d(2).Pow(2).Sum() + t[0].AvgPool2d(2, 1).Tanh().Sum());
        AssertGradCheck(t => Autograd.Grad([loss(t)], t, createGraph: true).Select(g => g.Pow(2).Sum()).Aggregate((a, b) => a + b), x, w);
    }

    [Fact]
    public void PoolingErrorsNameTheOpAndTheShape()
    {
        var rank = Assert.Throws<ArgumentException>(() => Tensor.Zeros(4, 4).MaxPool2d(2));
        Assert.Contains("MaxPool2d", rank.Message);
        Assert.Contains("[4,4]", rank.Message);
        var small = Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 1, 2, 2).AvgPool2d(3));
        Assert.Contains("AvgPool2d", small.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(1, 1, 4, 4).MaxPool2d(2, padding: 2));
    }

    [Fact]
    public void FlattenAndUnflattenAreInverse()
    {
        Tensor x = Normal(5, 2, 3, 4, 5);
        Assert.Equal([2, 60], x.Flatten(1).Shape);
        Assert.Equal([2, 12, 5], x.Flatten(1, 2).Shape);
        Assert.Equal([2, 3, 4, 5], x.Flatten(1).Unflatten(1, 3, -1, 5).Shape);
        Assert.Equal(x.ToDoubleArray(), new Unflatten(1, 3, 4, 5).Forward(new Flatten().Forward(x)).ToDoubleArray());
        Assert.Throws<ArgumentException>(() => x.Unflatten(1, 2, 2));
        Assert.Throws<ArgumentException>(() => x.Flatten(2, 1));
        AssertGradCheck(t => t[0].Flatten(1).Unflatten(1, 4, 15) * 2.0, x);
    }

    [Fact]
    public void Dropout2dDropsWholeChannels()
    {
        Tensor x = Tensor.Ones([4, 8, 3, 3], DType.Float64);
        double[] y = x.Dropout2d(0.5, new NumpyRandom(1)).ToDoubleArray();
        int dropped = 0;
        for (int channel = 0; channel < 32; channel++)
        {
            double[] plane = y[(channel * 9)..((channel + 1) * 9)];
            Assert.True(plane.All(v => v == 0) || plane.All(v => v == 2), $"channel {channel} is neither dropped nor kept whole");
            if (plane[0] == 0) dropped++;
        }
        Assert.InRange(dropped, 8, 24);
        var layer = new Dropout2d(0.5, new NumpyRandom(1));
        layer.Eval();
        Assert.Equal(x.ToDoubleArray(), layer.Forward(x).ToDoubleArray());
        AssertGradCheck(t => t[0].Dropout2d(0.3, new NumpyRandom(7)), Normal(6, 2, 3, 2, 2));
    }
}
