using Backprop.NN;
using static Backprop.Tests.Tensors.TensorTestData;

namespace Backprop.Tests.NN;

/// <summary>
/// The fused batch normalisation op (training mode) against the composed formula it replaced,
/// finite differences for every input (x, γ, β), gradients of gradients, and thread counts.
/// </summary>
public class BatchNormFusedTests
{
    /// <summary>The formula the modules used before the fused op: whole-tensor ops.</summary>
    private static Tensor Composed(Tensor x, Tensor? w, Tensor? b, double eps = 1e-5)
    {
        int[] dims = [0, .. Enumerable.Range(2, x.Rank - 2)];
        int[] channelShape = [1, x.Shape[1], .. Enumerable.Repeat(1, x.Rank - 2)];
        Tensor centred = x - x.Mean(dims, keepDim: true);
        Tensor y = centred / ((centred * centred).Mean(dims, keepDim: true) + eps).Sqrt();
        if (w is not null) y *= w.Reshape(channelShape);
        if (b is not null) y += b.Reshape(channelShape);
        return y;
    }

    [Theory]
    [InlineData(new[] { 4, 3 })]
    [InlineData(new[] { 3, 2, 5 })]
    [InlineData(new[] { 2, 3, 4, 5 })]
    public void ForwardAndGradientsEqualTheComposedFormulaInDouble(int[] shape)
    {
        Tensor x = Scaled(Normal(1, shape)), w = Normal(2, shape[1]), b = Normal(3, shape[1]), upstream = Normal(4, shape);
        Tensor fused = x.BatchNormTraining(w, b, 1e-5, out Tensor mean, out Tensor variance);
        Tensor reference = Composed(x, w, b);
        AssertClose(reference, fused, 1e-12);
        int[] dims = [0, .. Enumerable.Range(2, shape.Length - 2)];
        AssertClose(x.Mean(dims), mean, 1e-12);
        AssertClose(x.Var(dims, unbiased: false), variance, 1e-12);

        Tensor[] got = Autograd.Grad([(fused * upstream).Sum()], [x, w, b]);
        Tensor[] expected = Autograd.Grad([(reference * upstream).Sum()], [x, w, b]);
        for (int i = 0; i < 3; i++) AssertClose(expected[i], got[i], 1e-10);
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesForInputWeightAndBias()
    {
        AssertGradCheck(t => t[0].BatchNormTraining(t[1], t[2], 1e-5, out _, out _) * t[3], Normal(5, 3, 2, 2, 3), Normal(6, 2), Normal(7, 2), Normal(8, 3, 2, 2, 3));
        AssertGradCheck(t => t[0].BatchNormTraining(null, null, 1e-3, out _, out _) * t[1], Normal(9, 5, 3), Normal(10, 5, 3));
    }

    [Fact]
    public void GradientsOfGradientsMatchFiniteDifferences()
    {
        // The first gradient is recorded (createGraph), so its rule runs the differentiable form.
        AssertGradCheck(t =>
        {
            Tensor y = t[0].BatchNormTraining(t[1], null, 1e-5, out _, out _);
            Tensor[] g = Autograd.Grad([(y * y * y).Sum()], [t[0], t[1]], createGraph: true);
            return g[0].Pow(2).Sum() + g[1].Sum();
        }, Normal(11, 4, 2, 3), Normal(12, 2));
    }

    [Fact]
    public void Float32ResultsAreTheSameBitsOnOneThreadAndOnMany()
    {
        // 16·8·576 elements: large enough for the kernel to spread channels over threads (on a
        // machine with several cores). Environment.ProcessorCount is fixed for the process, so
        // compare with each channel normalised alone (small: the calling thread only).
        Tensor x = Float32Leaf(Scaled(Normal(13, 16, 8, 24, 24))), w = Float32Leaf(Normal(14, 8)), b = Float32Leaf(Normal(15, 8));
        Assert.Equal(RunChannelByChannel(), Run());

        float[] Run()
        {
            Tensor y = x.BatchNormTraining(w, b, 1e-5, out _, out _);
            Tensor[] g = Autograd.Grad([(y * y).Sum()], [x, w, b]);
            return [.. y.ToFloatArray(), .. g.SelectMany(t => t.ToFloatArray())];
        }

        float[] RunChannelByChannel()
        {
            // Each channel alone (a [16, 1, 24, 24] slice) goes down the sequential path; the
            // statistics and gradients of a channel must not depend on the others'.
            var ys = new List<float[]>(); var gx = new List<float[]>(); var gw = new float[8]; var gb = new float[8];
            for (int c = 0; c < 8; c++)
            {
                Tensor xc = x.Detach()[.., c..(c + 1)].Contiguous(), wc = w.Detach()[c..(c + 1)].Contiguous(), bc = b.Detach()[c..(c + 1)].Contiguous();
                xc.RequiresGrad = wc.RequiresGrad = bc.RequiresGrad = true;
                Tensor y = xc.BatchNormTraining(wc, bc, 1e-5, out _, out _);
                Tensor[] g = Autograd.Grad([(y * y).Sum()], [xc, wc, bc]);
                ys.Add(y.ToFloatArray()); gx.Add(g[0].ToFloatArray()); gw[c] = g[1].ToFloatArray()[0]; gb[c] = g[2].ToFloatArray()[0];
            }
            return [.. Interleave(ys), .. Interleave(gx), .. gw, .. gb];
        }

        static float[] Interleave(List<float[]> channels)
        {
            // Back from channel-major slices to [N, C, H, W].
            int plane = 24 * 24, n = 16, cs = channels.Count;
            var result = new float[n * cs * plane];
            for (int c = 0; c < cs; c++)
                for (int i = 0; i < n; i++) Array.Copy(channels[c], i * plane, result, (i * cs + c) * plane, plane);
            return result;
        }
    }

    [Fact]
    public void TheModulesTrainWithItAndKeepPyTorchsRunningStatistics()
    {
        var bn = new BatchNorm2d(3, dtype: DType.Float64);
        Tensor x = Normal(16, 4, 3, 2, 2) * 2.0 + 1.0;
        Tensor y = bn.Forward(x);
        Assert.Equal("BatchNorm", y.GradFn!.Name);
        double[] mean = x.Mean([0, 2, 3]).ToDoubleArray(), variance = x.Var([0, 2, 3], unbiased: true).ToDoubleArray();
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(0.1 * mean[c], bn.RunningMean.ToDoubleArray()[c], 1e-12);
            Assert.Equal(0.9 + 0.1 * variance[c], bn.RunningVar.ToDoubleArray()[c], 1e-12);
        }
        var bn1 = new BatchNorm1d(3, dtype: DType.Float64);
        Tensor x1 = Normal(17, 5, 3);
        AssertClose(Composed(x1, null, null), bn1.Forward(x1), 1e-12);
    }

    [Theory]
    [InlineData(DType.Float32, new[] { 6, 4, 5, 5 })]
    [InlineData(DType.Float64, new[] { 3, 4, 2, 3 })]
    [InlineData(DType.Float32, new[] { 7, 4 })]
    [InlineData(DType.Float32, new[] { 64, 4, 28, 28 })] // large enough to spread channels over threads
    public void EvaluationModeGivesTheComposedFormulasBitsWhetherOrNotItRecords(DType dtype, int[] shape)
    {
        // Without a graph to record, evaluation runs one fused pass; with one, the composed ops
        // (whose gradients autograd derives). Both must give what the composed formula gives.
        BatchNorm bn = shape.Length == 4 ? new BatchNorm2d(4, dtype: dtype) : new BatchNorm1d(4, dtype: dtype);
        using (Autograd.NoGrad())
        {
            bn.Weight.CopyFrom(Normal(20, 4).To(dtype));
            bn.Bias.CopyFrom(Normal(21, 4).To(dtype));
            bn.RunningMean.CopyFrom(Normal(22, 4).To(dtype));
            bn.RunningVar.CopyFrom((Normal(23, 4) * Normal(23, 4) + 0.1).To(dtype));
        }
        bn.Eval();
        Tensor x = (Normal(24, shape) * 3.0).To(dtype);
        int[] channelShape = [1, 4, .. Enumerable.Repeat(1, shape.Length - 2)];
        Tensor expected = (x - bn.RunningMean.Reshape(channelShape)) / (bn.RunningVar.Reshape(channelShape) + bn.Eps).Sqrt()
                          * bn.Weight.Detach().Reshape(channelShape) + bn.Bias.Detach().Reshape(channelShape);
        Tensor recorded = bn.Forward(x);
        Assert.NotNull(recorded.GradFn); // the parameters require grad: the composed path
        Tensor fused;
        using (Autograd.NoGrad()) fused = bn.Forward(x);
        Assert.Null(fused.GradFn);
        Assert.Equal(expected.ToDoubleArray(), recorded.ToDoubleArray());
        Assert.Equal(expected.ToDoubleArray(), fused.ToDoubleArray());
    }

    private static Tensor Scaled(Tensor t)
    {
        Tensor s = (t * 3.0 + 1.0).Detach();
        s.RequiresGrad = true;
        return s;
    }

    private static Tensor Float32Leaf(Tensor t)
    {
        Tensor f = t.Detach().To(DType.Float32);
        f.RequiresGrad = true;
        return f;
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double[] e = expected.ToDoubleArray(), a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= tolerance * (1 + Math.Abs(e[i])), $"element {i}: expected {e[i]}, got {a[i]}");
    }
}
