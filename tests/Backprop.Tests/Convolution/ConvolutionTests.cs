using Backprop.Kernels;
using Backprop.Random;
using CsCheck;
using static Backprop.Tests.Tensors.TensorTestData;

namespace Backprop.Tests.Convolution;

/// <summary>Conv2d, Conv1d and ConvTranspose2d: values against the direct loops, gradients against finite differences, determinism, errors.</summary>
public class ConvolutionTests
{
    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void AHandComputedExample()
    {
        // 3x3 input 1..9, 2x2 kernel [[1, 0], [0, -1]]: each output is x[i, j] - x[i+1, j+1] = -4.
        Tensor x = Tensor.FromArray(Enumerable.Range(1, 9).Select(v => (double)v).ToArray(), 1, 1, 3, 3);
        Tensor w = Tensor.FromArray(new double[] { 1, 0, 0, -1 }, 1, 1, 2, 2);
        Assert.Equal([-4.0, -4, -4, -4], x.Conv2d(w).ToDoubleArray());
        Assert.Equal([1, 1, 2, 2], x.Conv2d(w).Shape);
        // Padding 1: a 4x4 output whose corners see one tap each: 0 - 1 at the top left, 9 - 0 at the bottom right.
        double[] padded = x.Conv2d(w, Tensor.FromArray(new double[] { 0.5 }), padding: 1).ToDoubleArray();
        Assert.Equal(-0.5, padded[0]);
        Assert.Equal(9.5, padded[15]);
    }

    public static IEnumerable<object[]> Settings() =>
    [
        // n, c, h, w, o, kh, kw, stride, padding, dilation, groups, bias
        [2, 3, 6, 5, 4, 3, 3, 1, 0, 1, 1, true],
        [1, 2, 7, 7, 3, 3, 2, 2, 1, 1, 1, true],
        [2, 4, 7, 6, 4, 3, 3, 1, 2, 2, 2, false],
        [1, 4, 5, 5, 4, 3, 3, 1, 1, 1, 4, true], // depthwise
        [1, 3, 5, 6, 6, 2, 2, 2, 0, 1, 3, false], // depthwise with multiplier 2
        [2, 3, 4, 4, 5, 1, 1, 1, 0, 1, 1, true], // 1x1, the pointwise path
        [1, 2, 6, 6, 2, 1, 1, 2, 1, 1, 1, true], // 1x1 with stride and padding: im2col again
        [1, 2, 9, 8, 3, 3, 3, 3, 2, 2, 1, true],
    ];

    [Theory]
    [MemberData(nameof(Settings))]
    public void GradientsMatchFiniteDifferences(int n, int c, int h, int w, int o, int kh, int kw, int stride, int padding, int dilation, int groups, bool bias)
    {
        Tensor x = Normal(1, n, c, h, w), weight = Normal(2, o, c / groups, kh, kw), b = Normal(3, o);
        if (bias) AssertGradCheck(t => t[0].Conv2d(t[1], t[2], stride, padding, dilation, groups), x, weight, b);
        else AssertGradCheck(t => t[0].Conv2d(t[1], null, stride, padding, dilation, groups), x, weight);
    }

    [Fact]
    public void ABroadcastOutputGradientGivesTheBitsOfAContiguousOne()
    {
        // Sum's backward hands the convolution a broadcast dy (stride 0), copied once for the three
        // gradients; a contiguous dy of ones (through Mul) must give the same bits.
        Tensor[] Gradients(bool broadcast)
        {
            Tensor x = Normal(7, 3, 4, 9, 8), w = Normal(8, 6, 4, 3, 3), b = Normal(9, 6);
            Tensor y = x.Conv2d(w, b, padding: 1);
            (broadcast ? y : y * Tensor.OnesLike(y)).Sum().Backward();
            return [x.Grad!, w.Grad!, b.Grad!];
        }
        Tensor[] strided = Gradients(broadcast: true), contiguous = Gradients(broadcast: false);
        for (int i = 0; i < 3; i++) Assert.Equal(contiguous[i].ToDoubleArray(), strided[i].ToDoubleArray());
        Assert.All(strided[2].ToDoubleArray(), v => Assert.Equal(3 * 9 * 8, v)); // db = Σ dy over n, h, w
    }

    [Fact]
    public void AsymmetricOptionsAndSamePadding()
    {
        Tensor x = Normal(4, 1, 2, 5, 6), w = Normal(5, 3, 2, 2, 3);
        AssertGradCheck(t => t[0].Conv2d(t[1], null, (2, 1), (1, 0), (1, 2)), x, w);
        AssertGradCheck(t => t[0].Conv2d(t[1], t[2], "same", dilation: 2), x, w, Normal(6, 3)); // even kernel: uneven padding
        Assert.Equal([1, 3, 5, 6], x.Conv2d(w, null, "same").Shape);
        Assert.Equal([1, 3, 4, 4], x.Conv2d(w, null, "valid").Shape);
    }

    [Fact]
    public void SecondDerivativesWork()
    {
        Tensor x = Normal(7, 1, 2, 5, 4), w = Normal(8, 2, 1, 3, 2), b = Normal(9, 2);
        // The gradient of the gradient: (∂L/∂x, ∂L/∂w) of L = Σ tanh(conv) is itself differentiated.
        Func<Tensor[], Tensor> loss = t => t[0].Conv2d(t[1], t[2], stride: 2, padding: 1, groups: 2).Tanh().Sum();
        AssertGradCheck(t =>
        {
            Tensor[] g = Autograd.Grad([loss(t)], t, createGraph: true);
            return g[0].Pow(2).Sum() + (g[1] * g[1]).Sum() + g[2].Sum();
        }, x, w, b);
    }

    [Fact]
    public void Conv1dIsConv2dOfHeightOne()
    {
        Tensor x = Normal(10, 2, 4, 9), w = Normal(11, 6, 2, 3), b = Normal(12, 6);
        AssertGradCheck(t => t[0].Conv1d(t[1], t[2], stride: 2, padding: 1, dilation: 2, groups: 2), x, w, b);
        AssertGradCheck(t => t[0].Conv1d(t[1], null, "same"), x, Normal(13, 3, 4, 4));
        double[] expected = DirectConvolution.Conv2d(x.ToDoubleArray(), [2, 4, 1, 9], w.ToDoubleArray(), [6, 2, 1, 3], b.ToDoubleArray(), 1, 1, 0, 0, 1, 1, 2, 1, 7);
        AssertClose(expected, x.Conv1d(w, b, groups: 2).ToDoubleArray(), 1e-12);
        Assert.Equal([2, 6, 7], x.Conv1d(w, b, groups: 2).Shape);
    }

    [Theory]
    [InlineData(2, 1, 0, 1, 1)]
    [InlineData(2, 1, 1, 1, 1)]
    [InlineData(1, 0, 0, 2, 2)]
    [InlineData(3, 2, 2, 1, 1)]
    public void ConvTransposeMatchesTheScatterDefinitionAndItsGradients(int stride, int padding, int outputPadding, int dilation, int groups)
    {
        Tensor x = Normal(14, 2, 2, 3, 4), w = Normal(15, 2, 3, 3, 2), b = Normal(16, 3 * groups);
        Tensor y = x.ConvTranspose2d(w, null, stride, padding, outputPadding, groups, dilation);
        int oh = (3 - 1) * stride - 2 * padding + dilation * 2 + outputPadding + 1, ow = (4 - 1) * stride - 2 * padding + dilation + outputPadding + 1;
        Assert.Equal([2, 3 * groups, oh, ow], y.Shape);
        AssertClose(DirectConvolution.ConvTranspose2d(x.ToDoubleArray(), [2, 2, 3, 4], w.ToDoubleArray(), [2, 3, 3, 2], stride, padding, dilation, groups, oh, ow), y.ToDoubleArray(), 1e-12);
        AssertGradCheck(t => t[0].ConvTranspose2d(t[1], t[2], stride, padding, outputPadding, groups, dilation), x, w, b);
    }

    [Fact]
    public void AgreesWithTheDirectLoopsOnRandomShapes()
    {
        var gen = Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 8], Gen.Int[1, 8])
            .SelectMany(p => Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[0, 2], Gen.Int[1, 2], Gen.UInt)
                .Select(q => (N: p.Item1, Groups: p.Item2, Cg: p.Item3, H: p.Item4, W: p.Item5, Og: q.Item1, Kh: q.Item2, Kw: q.Item3, Pad: q.Item4, Stride: q.Item5, Seed: q.Item6)));
        gen.Sample(s =>
        {
            int c = s.Cg * s.Groups, o = s.Og * s.Groups;
            if (s.H + 2 * s.Pad < s.Kh || s.W + 2 * s.Pad < s.Kw) return; // no output: an error, tested elsewhere
            var random = new NumpyRandom(s.Seed);
            Tensor x = Tensor.Randn(random, [s.N, c, s.H, s.W], DType.Float64);
            Tensor w = Tensor.Randn(random, [o, s.Cg, s.Kh, s.Kw], DType.Float64);
            Tensor b = Tensor.Randn(random, [o], DType.Float64);
            int oh = (s.H + 2 * s.Pad - s.Kh) / s.Stride + 1, ow = (s.W + 2 * s.Pad - s.Kw) / s.Stride + 1;
            double[] expected = DirectConvolution.Conv2d(x.ToDoubleArray(), [s.N, c, s.H, s.W], w.ToDoubleArray(), [o, s.Cg, s.Kh, s.Kw], b.ToDoubleArray(),
                s.Stride, s.Stride, s.Pad, s.Pad, 1, 1, s.Groups, oh, ow);
            AssertClose(expected, x.Conv2d(w, b, s.Stride, s.Pad, 1, s.Groups).ToDoubleArray(), 1e-12);
            // Float32 through the same kernels, against the double reference.
            AssertClose(expected, x.To(DType.Float32).Conv2d(w.To(DType.Float32), b.To(DType.Float32), s.Stride, s.Pad, 1, s.Groups).ToDoubleArray(), 1e-4);
        }, iter: 200);
    }

    [Fact]
    public void TilesGiveTheSameValuesAsOneColumnMatrix()
    {
        // A budget of 64 columns' worth forces many tiles; forward and weight gradient chains do not see tiles at all.
        var random = new NumpyRandom(20);
        ConvGeometry g = new ConvSettings(2, 1, 1, 2, false, 1, 1, 1).Geometry("Conv2d", [2, 3, 13, 11], [5, 3, 3, 2]);
        float[] x = Tensor.Randn(random, g.InputShape).ToFloatArray(), w = Tensor.Randn(random, g.WeightShape).ToFloatArray();
        float[] dy = Tensor.Randn(random, g.OutputShape).ToFloatArray(), b = Tensor.Randn(random, [5]).ToFloatArray();
        float[] whole = new float[dy.Length], tiled = new float[dy.Length];
        ConvolutionKernel.Forward<float>(x, w, b, whole, g);
        ConvolutionKernel.Forward<float>(x, w, b, tiled, g, tileBudget: g.PatchSize * 5);
        Assert.Equal(whole, tiled);
        float[] dwWhole = new float[w.Length], dwTiled = new float[w.Length];
        ConvolutionKernel.WeightGradient<float>(x, dy, dwWhole, g);
        ConvolutionKernel.WeightGradient<float>(x, dy, dwTiled, g, tileBudget: g.PatchSize * 5);
        Assert.Equal(dwWhole, dwTiled);
        float[] dxWhole = new float[x.Length], dxTiled = new float[x.Length];
        ConvolutionKernel.InputGradient<float>(dy, w, dxWhole, g);
        ConvolutionKernel.InputGradient<float>(dy, w, dxTiled, g, tileBudget: g.PatchSize * 5);
        AssertClose(Array.ConvertAll(dxWhole, v => (double)v), Array.ConvertAll(dxTiled, v => (double)v), 1e-5);
    }

    [Theory]
    [InlineData(3, 1, 1, 1)]
    [InlineData(1, 1, 0, 1)] // pointwise
    [InlineData(3, 2, 1, 4)]
    [InlineData(3, 1, 1, 8)] // depthwise: the direct loops
    public void BitIdenticalForOneAndTwoThreads(int kernel, int stride, int padding, int groups)
    {
        var random = new NumpyRandom(21);
        ConvGeometry g = new ConvSettings(stride, stride, padding, padding, false, 1, 1, groups).Geometry("Conv2d", [6, 8, 20, 20], [16, 8 / groups, kernel, kernel]);
        float[] x = Tensor.Randn(random, g.InputShape).ToFloatArray(), w = Tensor.Randn(random, g.WeightShape).ToFloatArray();
        float[] dy = Tensor.Randn(random, g.OutputShape).ToFloatArray(), b = Tensor.Randn(random, [16]).ToFloatArray();
        float[][] results = new float[6][];
        for (int t = 1; t <= 2; t++)
        {
            float[] y = new float[dy.Length], dx = new float[x.Length], dw = new float[w.Length];
            ConvolutionKernel.Forward<float>(x, w, b, y, g, maxThreads: t);
            ConvolutionKernel.InputGradient<float>(dy, w, dx, g, maxThreads: t);
            ConvolutionKernel.WeightGradient<float>(x, dy, dw, g, maxThreads: t);
            (results[(t - 1) * 3], results[(t - 1) * 3 + 1], results[(t - 1) * 3 + 2]) = (y, dx, dw);
        }
        Assert.Equal(results[0], results[3]);
        Assert.Equal(results[1], results[4]);
        Assert.Equal(results[2], results[5]);
    }

    [Theory]
    [InlineData(1, 32, 3, 1, 1, 1)]     // a first layer on grey images: the CNN's
    [InlineData(3, 8, 3, 1, 1, 1)]      // on RGB images
    [InlineData(8, 8, 3, 1, 1, 8)]      // depthwise
    [InlineData(4, 8, 3, 2, 2, 4)]      // depthwise-ish (two channels a group), dilation 2
    [InlineData(2, 6, 2, 0, 1, 2)]      // an even kernel, no padding, groups
    [InlineData(1, 4, 5, 2, 1, 1)]      // a 5x5 kernel, "same"
    public void TheDirectPathForSmallPatchesAgreesWithTheMatmulPath(int c, int o, int kernel, int padding, int dilation, int groups)
    {
        // Stride 1 with a patch of at most 32 taps goes through direct loops. The forward pass is
        // the same chain of fused multiply-adds as the packed matmul's, so the same bits; the
        // gradients sum in another order, so they agree to rounding. Widths 13 and 37 leave
        // partial vectors at the end of a row.
        foreach (int width in new[] { 13, 37 })
        {
            var random = new NumpyRandom((uint)(22 + c + o + kernel + width));
            ConvGeometry g = new ConvSettings(1, 1, padding, padding, false, dilation, dilation, groups).Geometry("Conv2d", [3, c, 11, width], [o, c / groups, kernel, kernel]);
            Assert.True(DirectConvKernel.TakesPatch(g));
            float[] x = Tensor.Randn(random, g.InputShape).ToFloatArray(), w = Tensor.Randn(random, g.WeightShape).ToFloatArray();
            float[] dy = Tensor.Randn(random, g.OutputShape).ToFloatArray(), b = Tensor.Randn(random, [o]).ToFloatArray();
            float[] direct = new float[dy.Length], matmul = new float[dy.Length];
            ConvolutionKernel.Forward<float>(x, w, b, direct, g);
            ConvolutionKernel.Forward<float>(x, w, b, matmul, g, allowDirect: false);
            Assert.Equal(matmul, direct);
            ConvolutionKernel.Forward<float>(x, w, default, direct, g);
            ConvolutionKernel.Forward<float>(x, w, default, matmul, g, allowDirect: false);
            Assert.Equal(matmul, direct);

            float[] dwDirect = new float[w.Length], dwMatmul = new float[w.Length];
            ConvolutionKernel.WeightGradient<float>(x, dy, dwDirect, g);
            ConvolutionKernel.WeightGradient<float>(x, dy, dwMatmul, g, allowDirect: false);
            AssertClose(Array.ConvertAll(dwMatmul, v => (double)v), Array.ConvertAll(dwDirect, v => (double)v), 1e-4);

            float[] dxDirect = new float[x.Length], dxMatmul = new float[x.Length];
            Array.Fill(dxDirect, float.NaN); // every element must be written
            ConvolutionKernel.InputGradient<float>(dy, w, dxDirect, g);
            ConvolutionKernel.InputGradient<float>(dy, w, dxMatmul, g, allowDirect: false);
            Assert.Equal(Backprop.Kernels.DirectConvKernel.TakesInputGradient(g), o / groups * kernel * kernel <= 32);
            AssertClose(Array.ConvertAll(dxMatmul, v => (double)v), Array.ConvertAll(dxDirect, v => (double)v), 1e-4);
        }
    }

    [Fact]
    public void ShapeErrorsNameTheOpAndTheShapes()
    {
        Tensor x = Tensor.Zeros(2, 3, 8, 8);
        var channels = Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros(4, 2, 3, 3)));
        Assert.Contains("Conv2d", channels.Message);
        Assert.Contains("[2,3,8,8]", channels.Message);
        Assert.Contains("[4,2,3,3]", channels.Message);
        var groups = Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros(4, 1, 3, 3), groups: 2));
        Assert.Contains("divisible by groups 2", groups.Message);
        var small = Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros(4, 3, 9, 9)));
        Assert.Contains("smaller than the dilated kernel", small.Message);
        var rank = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 8, 8).Conv2d(Tensor.Zeros(4, 3, 3, 3)));
        Assert.Contains("[3,8,8]", rank.Message);
        var bias = Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros(4, 3, 3, 3), Tensor.Zeros(3)));
        Assert.Contains("bias must be [4]", bias.Message);
        Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros(4, 3, 3, 3), null, "same", stride: 2));
        Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros(4, 3, 3, 3), null, "full"));
        var conv1d = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3, 8).Conv1d(Tensor.Zeros(4, 2, 3)));
        Assert.Contains("Conv1d", conv1d.Message);
        Assert.Contains("[2,3,8]", conv1d.Message);
        Assert.Throws<ArgumentException>(() => x.Conv2d(Tensor.Zeros([4, 3, 3, 3], DType.Float64)));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.ConvTranspose2d(Tensor.Zeros(3, 2, 3, 3), stride: 2, outputPadding: 2));
    }
}
