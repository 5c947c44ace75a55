using Backprop.Kernels;
using Backprop.Random;

namespace Backprop.Tests.Convolution;

/// <summary>
/// The implicit-GEMM convolution (<see cref="ConvGemm{T, TKernel}"/>): against the textbook
/// loops in double, against the im2col path it replaced (the forward pass to the bit), and the
/// same bits for one and two threads.
/// </summary>
public class ImplicitGemmTests
{
    public static IEnumerable<object[]> Geometries() =>
    [
        // n, c, h, w, o, kernel, stride, padding, dilation, groups, budget (elements of a packed block)
        [3, 5, 9, 11, 7, 3, 1, 1, 1, 1, 1 << 16],      // 99 positions: a partial panel; 45 taps
        [3, 5, 9, 11, 7, 3, 1, 1, 1, 1, 45 * 20],      // the same in blocks of 16 positions
        [2, 4, 9, 8, 6, 3, 2, 1, 1, 1, 1 << 16],       // stride 2: rows from im2col, col2im without padded planes
        [2, 6, 10, 9, 8, 3, 1, 2, 2, 2, 1 << 16],      // dilation 2, groups 2
        [10, 4, 9, 9, 4, 3, 2, 1, 1, 4, 1 << 16],      // depthwise with stride 2: the matmul's path but for the input gradient
        [2, 3, 7, 6, 5, 2, 1, 0, 1, 1, 1 << 16],       // an even kernel, no padding
        [2, 32, 6, 5, 3, 3, 1, 1, 1, 1, 1 << 16],      // 288 taps: more than a double slice (256)
        [2, 64, 5, 4, 2, 3, 1, 1, 1, 1, 1 << 16],      // 576 taps: more than a float slice (512)
        [2, 2, 5, 5, 260, 3, 1, 1, 1, 1, 1 << 16],     // 260 output channels: the input gradient's depth in two double slices
        [20, 3, 6, 6, 4, 3, 1, 1, 1, 1, 1 << 16],      // 20 images: the weight gradient in three parts
    ];

    [Theory]
    [MemberData(nameof(Geometries))]
    public void AgreesWithTheDirectLoopsAndWithIm2Col(int n, int c, int h, int w, int o, int kernel, int stride, int padding, int dilation, int groups, int budget)
    {
        ConvGeometry g = new ConvSettings(stride, stride, padding, padding, false, dilation, dilation, groups)
            .Geometry("Conv2d", [n, c, h, w], [o, c / groups, kernel, kernel]);
        var random = new NumpyRandom((uint)(31 + n + c + o + kernel + stride + budget));
        double[] x = Tensor.Randn(random, g.InputShape, DType.Float64).ToDoubleArray(), wt = Tensor.Randn(random, g.WeightShape, DType.Float64).ToDoubleArray();
        double[] dy = Tensor.Randn(random, g.OutputShape, DType.Float64).ToDoubleArray(), b = Tensor.Randn(random, [o], DType.Float64).ToDoubleArray();
        (double[] y, double[] dx, double[] dw) = Reference(g, x, wt, b, dy);

        // Double precision through the implicit path, one thread, against the loops.
        double[] y64 = new double[y.Length], dx64 = new double[dx.Length], dw64 = new double[dw.Length];
        ConvolutionKernel.Forward<double>(x, wt, b, y64, g, maxThreads: 1, tileBudget: budget, allowDirect: false);
        ConvolutionKernel.InputGradient<double>(dy, wt, dx64, g, maxThreads: 1, tileBudget: budget, allowDirect: false);
        ConvolutionKernel.WeightGradient<double>(x, dy, dw64, g, maxThreads: 1, tileBudget: budget, allowDirect: false);
        AssertClose(y, y64, 1e-12);
        AssertClose(dx, dx64, 1e-12);
        AssertClose(dw, dw64, 1e-12);

        // Single precision: the forward pass is the im2col path's chain to the bit; the gradients add in another order.
        float[] xf = Array.ConvertAll(x, v => (float)v), wf = Array.ConvertAll(wt, v => (float)v);
        float[] dyf = Array.ConvertAll(dy, v => (float)v), bf = Array.ConvertAll(b, v => (float)v);
        float[] implicitY = new float[y.Length], im2colY = new float[y.Length];
        ConvolutionKernel.Forward<float>(xf, wf, bf, implicitY, g, maxThreads: 1, tileBudget: budget, allowDirect: false);
        ConvolutionKernel.Forward<float>(xf, wf, bf, im2colY, g, maxThreads: 1, tileBudget: budget, allowDirect: false, allowImplicit: false);
        Assert.Equal(im2colY, implicitY);
        ConvolutionKernel.Forward<float>(xf, wf, default, implicitY, g, maxThreads: 1, tileBudget: budget, allowDirect: false);
        ConvolutionKernel.Forward<float>(xf, wf, default, im2colY, g, maxThreads: 1, tileBudget: budget, allowDirect: false, allowImplicit: false);
        Assert.Equal(im2colY, implicitY);

        float[] dxf = new float[dx.Length], dwf = new float[dw.Length];
        Array.Fill(dxf, float.NaN); // every element must be written
        Array.Fill(dwf, float.NaN);
        ConvolutionKernel.InputGradient<float>(dyf, wf, dxf, g, maxThreads: 1, tileBudget: budget, allowDirect: false);
        ConvolutionKernel.WeightGradient<float>(xf, dyf, dwf, g, maxThreads: 1, tileBudget: budget, allowDirect: false);
        AssertClose(dx, Array.ConvertAll(dxf, v => (double)v), 1e-4);
        AssertClose(dw, Array.ConvertAll(dwf, v => (double)v), 1e-4);
    }

    [Fact]
    public void BitIdenticalForOneAndTwoThreadsWithWeightGradientParts()
    {
        // 20 images: three parts of the weight gradient's sums, split over threads; images split for the other two.
        AssertOneAndTwoThreadsAgree(new NumpyRandom(41), [20, 8, 12, 12], [16, 8, 3, 3]);
    }

    [Theory]
    [InlineData(1)]  // one image: the forward pass takes the matmul on two threads, the implicit path on one
    [InlineData(5)]  // at most 8 images: the weight gradient likewise
    public void OneAndTwoThreadsGiveTheSameBitsWhereThePathsDiffer(int n)
    {
        AssertOneAndTwoThreadsAgree(new NumpyRandom(43), [n, 16, 30, 30], [24, 16, 3, 3]);
    }

    /// <summary>Forward, input gradient and weight gradient of a stride-1, padding-1 convolution: the same bits on one thread and on two.</summary>
    private static void AssertOneAndTwoThreadsAgree(NumpyRandom random, int[] inputShape, int[] weightShape)
    {
        ConvGeometry g = new ConvSettings(1, 1, 1, 1, false, 1, 1, 1).Geometry("Conv2d", inputShape, weightShape);
        float[] x = Tensor.Randn(random, g.InputShape).ToFloatArray(), w = Tensor.Randn(random, g.WeightShape).ToFloatArray();
        float[] dy = Tensor.Randn(random, g.OutputShape).ToFloatArray(), b = Tensor.Randn(random, [weightShape[0]]).ToFloatArray();
        var results = new List<float[]>();
        for (int threads = 1; threads <= 2; threads++)
        {
            float[] y = new float[dy.Length], dx = new float[x.Length], dw = new float[w.Length];
            ConvolutionKernel.Forward<float>(x, w, b, y, g, maxThreads: threads);
            ConvolutionKernel.InputGradient<float>(dy, w, dx, g, maxThreads: threads);
            ConvolutionKernel.WeightGradient<float>(x, dy, dw, g, maxThreads: threads);
            results.AddRange([y, dx, dw]);
        }
        for (int i = 0; i < 3; i++) Assert.Equal(results[i], results[i + 3]);
    }

    [Fact]
    public void NaNReachesExactlyTheElementsThatReadIt()
    {
        // One NaN input pixel: the outputs whose window holds it are NaN, no others; one NaN
        // output gradient: the input-gradient pixels in its window are NaN, no others.
        ConvGeometry g = new ConvSettings(1, 1, 1, 1, false, 1, 1, 1).Geometry("Conv2d", [2, 2, 5, 5], [3, 2, 3, 3]);
        float[] x = Enumerable.Range(0, 100).Select(i => (float)(i % 7) / 7).ToArray(), w = Enumerable.Repeat(0.5f, 54).ToArray();
        x[12] = float.NaN; // image 0, channel 0, row 2, column 2
        float[] y = new float[2 * 3 * 25];
        ConvolutionKernel.Forward<float>(x, w, default, y, g, maxThreads: 1, allowDirect: false);
        for (int o = 0; o < 3; o++)
            for (int r = 0; r < 5; r++)
                for (int q = 0; q < 5; q++)
                    Assert.Equal(Math.Abs(r - 2) <= 1 && Math.Abs(q - 2) <= 1, float.IsNaN(y[o * 25 + r * 5 + q]));
        Assert.DoesNotContain(y.Skip(75), float.IsNaN);

        float[] dy = new float[y.Length], dx = new float[x.Length];
        dy[25 + 6] = float.NaN; // image 0, output channel 1, row 1, column 1
        ConvolutionKernel.InputGradient<float>(dy, w, dx, g, maxThreads: 1, allowDirect: false);
        for (int c = 0; c < 2; c++)
            for (int r = 0; r < 5; r++)
                for (int q = 0; q < 5; q++)
                    Assert.Equal(r <= 2 && q <= 2, float.IsNaN(dx[c * 25 + r * 5 + q]));
        Assert.DoesNotContain(dx.Skip(50), float.IsNaN);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    /// <summary>The forward pass and both gradients by the textbook loops over every output and tap, in double.</summary>
    private static (double[] Y, double[] Dx, double[] Dw) Reference(ConvGeometry g, double[] x, double[] w, double[] b, double[] dy)
    {
        double[] y = new double[dy.Length], dx = new double[x.Length], dw = new double[w.Length];
        int cg = g.GroupChannels, og = g.GroupOutChannels;
        for (int n = 0; n < g.Batch; n++)
        for (int o = 0; o < g.OutChannels; o++)
        for (int i = 0; i < g.OutHeight; i++)
        for (int j = 0; j < g.OutWidth; j++)
        {
            int yi = ((n * g.OutChannels + o) * g.OutHeight + i) * g.OutWidth + j;
            double sum = b[o];
            for (int ci = 0; ci < cg; ci++)
            for (int p = 0; p < g.KernelH; p++)
            for (int q = 0; q < g.KernelW; q++)
            {
                int r = i * g.StrideH - g.PadTop + p * g.DilationH, s = j * g.StrideW - g.PadLeft + q * g.DilationW;
                if (r < 0 || r >= g.Height || s < 0 || s >= g.Width) continue;
                int xi = ((n * g.Channels + o / og * cg + ci) * g.Height + r) * g.Width + s, wi = ((o * cg + ci) * g.KernelH + p) * g.KernelW + q;
                sum += w[wi] * x[xi];
                dx[xi] += w[wi] * dy[yi];
                dw[wi] += x[xi] * dy[yi];
            }
            y[yi] = sum;
        }
        return (y, dx, dw);
    }
}
