using Backprop.NN;
using Backprop.Random;
using static Backprop.Tests.Tensors.TensorTestData;

namespace Backprop.Tests.Convolution;

/// <summary>ConvTranspose2d with (height, width) pairs for stride, padding, output padding and dilation, as PyTorch's tuples.</summary>
public class ConvTransposePairTests
{
    private static Tensor Ramp(double scale, double shift, params int[] shape) =>
        (Tensor.Arange(0, shape.Aggregate(1, (a, b) => a * b), 1, DType.Float64).Reshape(shape) * scale + shift).Detach();

    [Fact]
    public void MatchesPyTorchWithUnequalPairs()
    {
        // PyTorch 1.13: F.conv_transpose2d(x, w, b, stride=(2, 1), padding=(0, 1), output_padding=(1, 0), dilation=(1, 2))
        // with x = arange(24).reshape(1, 2, 3, 4) / 10, w = arange(36).reshape(2, 3, 2, 3) / 10 - 1.5, b = [0.1, -0.2, 0.3].
        Tensor x = Ramp(0.1, 0, 1, 2, 3, 4), w = Ramp(0.1, -1.5, 2, 3, 2, 3);
        Tensor b = Tensor.FromArray(new[] { 0.1, -0.2, 0.3 });
        Tensor y = x.ConvTranspose2d(w, b, stride: (2, 1), padding: (0, 1), outputPadding: (1, 0), dilation: (1, 2));
        Assert.Equal([1, 3, 7, 6], y.Shape);
        double[] expected =
        [
            0.34, 0.7, 0.48, 0.98, 0.8, 0.54, 0.76, 1.54, 1.44, 1.82, 1.76, 1.02, -0.14, -0.18, -0.4, 0.26, 0.08, 0.22,
            0.52, 1.14, 1.04, 1.58, 1.52, 0.94, -0.62, -1.06, -1.28, -0.46, -0.64, -0.1, 0.28, 0.74, 0.64, 1.34, 1.28, 0.86,
            0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.88, 2.08, 2.1, 2.36, 2.42, 1.2, 1.3, 2.92, 3.06, 3.2, 3.38, 1.68,
            0.88, 2.16, 2.18, 2.6, 2.66, 1.36, 1.54, 3.48, 3.62, 3.92, 4.1, 2.08, 0.88, 2.24, 2.26, 2.84, 2.9, 1.52,
            1.78, 4.04, 4.18, 4.64, 4.82, 2.48, -0.2, -0.2, -0.2, -0.2, -0.2, -0.2, 2.22, 4.26, 4.52, 4.54, 4.84, 2.66,
            2.64, 5.1, 5.48, 5.38, 5.8, 3.14, 2.7, 5.3, 5.56, 5.74, 6.04, 3.3, 3.36, 6.62, 7.0, 7.06, 7.48, 4.02,
            3.18, 6.34, 6.6, 6.94, 7.24, 3.94, 4.08, 8.14, 8.52, 8.74, 9.16, 4.9, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3,
        ];
        double[] actual = y.ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-12, $"element {i}: {actual[i]} != {expected[i]}");
    }

    [Theory]
    [InlineData(2, 1, 1, 0, 1, 0, 1, 1, 1)]
    [InlineData(1, 3, 0, 1, 0, 2, 2, 1, 2)]
    [InlineData(3, 2, 1, 1, 2, 1, 1, 2, 1)]
    public void GradientsPassTheFiniteDifferenceCheck(int sh, int sw, int ph, int pw, int oph, int opw, int dh, int dw, int groups)
    {
        Tensor x = Normal(21, 2, 2 * groups, 3, 4), w = Normal(22, 2 * groups, 2, 2, 3), b = Normal(23, 2 * groups);
        AssertGradCheck(t => t[0].ConvTranspose2d(t[1], t[2], (sh, sw), (ph, pw), (oph, opw), (dh, dw), groups), x, w, b);
    }

    [Fact]
    public void EqualPairsGiveTheIntegerOverloadsBits()
    {
        Tensor x = Normal(24, 2, 4, 5, 5), w = Normal(25, 4, 3, 3, 3);
        Assert.Equal(x.ConvTranspose2d(w, null, 2, 1, 1, 1, 1).ToDoubleArray(),
                     x.ConvTranspose2d(w, null, (2, 2), (1, 1), (1, 1), (1, 1)).ToDoubleArray());
    }

    [Fact]
    public void TheModuleTakesPairsAndKeepsThem()
    {
        var layer = new ConvTranspose2d(2, 3, (2, 3), new NumpyRandom(5), stride: (2, 1), padding: (0, 1), outputPadding: (1, 0),
                                        dilation: (1, 2), dtype: DType.Float64);
        Assert.Equal([2, 3, 2, 3], layer.Weight.Shape);
        Assert.Equal(((2, 3), (2, 1), (0, 1), (1, 0), (1, 2)), (layer.KernelSize, layer.Stride, layer.Padding, layer.OutputPadding, layer.Dilation));
        Tensor x = Normal(26, 1, 2, 3, 4);
        Tensor y = layer.Forward(x);
        Assert.Equal([1, 3, 7, 6], y.Shape);
        Assert.Equal(x.ConvTranspose2d(layer.Weight, layer.Bias, (2, 1), (0, 1), (1, 0), (1, 2)).ToDoubleArray(), y.ToDoubleArray());
        var square = new ConvTranspose2d(2, 2, 3, new NumpyRandom(5), stride: 2);
        Assert.Equal(((3, 3), (2, 2)), (square.KernelSize, square.Stride));
    }

    [Fact]
    public void OutputPaddingIsCheckedInEachDimension()
    {
        Tensor x = Tensor.Zeros(1, 2, 3, 3), w = Tensor.Zeros(2, 2, 3, 3);
        // 1 < stride 2 vertically, but 1 is not below stride 1 or dilation 1 horizontally.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => x.ConvTranspose2d(w, null, (2, 1), (0, 0), (1, 1), (1, 1)));
        Assert.Contains("ConvTranspose2d: output padding must be ≥ 0 and smaller than stride (2, 1) or dilation 1 in each dimension, got 1", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvTranspose2d(2, 2, (3, 3), new NumpyRandom(1), (1, 2), (0, 0), (0, -1), (1, 1)));
        Assert.Equal([1, 2, 8, 5], x.ConvTranspose2d(w, null, (2, 1), (0, 0), (1, 0), (1, 1)).Shape);
    }
}
