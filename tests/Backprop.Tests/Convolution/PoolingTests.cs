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
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 2], Gen.UInt).Sample((k, s, d, pad, seed) =>
        {
            int p = Math.Min(pad, k / 2);
            Tensor x = Tensor.Randn(new NumpyRandom(seed), [2, 3, 9, 8], DType.Float64);
            double[] data = x.ToDoubleArray();
            int span = d * (k - 1) + 1, oh = (9 + 2 * p - span) / s + 1, ow = (8 + 2 * p - span) / s + 1;
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
            Assert.Equal(expected.ToArray(), x.MaxPool2d(k, s, p, d).ToDoubleArray());
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
