using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>Each optimizer against its update rule computed by hand, element by element, in double.</summary>
public class OptimizerTests
{
    private static readonly double[] Start = [1.0, -2.0, 0.5];
    private static readonly double[][] Gradients = [[0.5, -1.0, 2.0], [0.25, 0.5, -1.5], [-0.75, 0.1, 0.3]];

    private static Tensor Leaf()
    {
        Tensor p = Tensor.FromArray((double[])Start.Clone());
        p.RequiresGrad = true;
        return p;
    }

    /// <summary>Runs <paramref name="optimizer"/> for three steps with the fixed gradients; returns the parameter after each.</summary>
    private static double[][] Run(Tensor p, Optimizer optimizer)
    {
        var after = new List<double[]>();
        foreach (double[] g in Gradients)
        {
            p.Grad = Tensor.FromArray(g);
            optimizer.Step();
            after.Add(p.ToDoubleArray());
        }
        return [.. after];
    }

    private static void AssertClose(double[][] expected, double[][] actual)
    {
        for (int s = 0; s < expected.Length; s++)
        for (int i = 0; i < expected[s].Length; i++)
            Assert.True(Math.Abs(expected[s][i] - actual[s][i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[s][i])),
                $"step {s + 1}, element {i}: expected {expected[s][i]:R}, got {actual[s][i]:R}");
    }

    [Theory]
    [InlineData(0.0, 0.0, false)]
    [InlineData(0.9, 0.0, false)]
    [InlineData(0.9, 0.0, true)]
    [InlineData(0.9, 0.1, false)]
    [InlineData(0.0, 0.1, false)]
    public void SgdFollowsPyTorchsRule(double momentum, double weightDecay, bool nesterov)
    {
        const double lr = 0.1;
        double[] p = (double[])Start.Clone();
        var buffer = new double[3];
        var expected = new List<double[]>();
        for (int s = 0; s < Gradients.Length; s++)
        {
            for (int i = 0; i < 3; i++)
            {
                double d = Gradients[s][i] + weightDecay * p[i];
                if (momentum != 0)
                {
                    buffer[i] = s == 0 ? d : momentum * buffer[i] + d;
                    d = nesterov ? d + momentum * buffer[i] : buffer[i];
                }
                p[i] -= lr * d;
            }
            expected.Add((double[])p.Clone());
        }
        Tensor leaf = Leaf();
        AssertClose([.. expected], Run(leaf, new Sgd([leaf], lr, momentum, weightDecay, nesterov)));
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(false, 0.05)]
    [InlineData(true, 0.05)]
    public void AdamAndAdamWFollowTheirRules(bool decoupled, double weightDecay)
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] p = (double[])Start.Clone();
        double[] m = new double[3], v = new double[3];
        var expected = new List<double[]>();
        for (int s = 0; s < Gradients.Length; s++)
        {
            int t = s + 1;
            for (int i = 0; i < 3; i++)
            {
                double g = Gradients[s][i];
                if (decoupled) p[i] *= 1 - lr * weightDecay;
                else g += weightDecay * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(b1, t)), vHat = v[i] / (1 - Math.Pow(b2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            expected.Add((double[])p.Clone());
        }
        Tensor leaf = Leaf();
        Optimizer optimizer = decoupled ? new AdamW([leaf], lr, weightDecay: weightDecay) : new Adam([leaf], lr, weightDecay: weightDecay);
        double[][] actual = Run(leaf, optimizer);
        for (int s = 0; s < 3; s++)
        for (int i = 0; i < 3; i++)
            Assert.Equal(expected[s][i], actual[s][i], 1e-9); // PyTorch's arrangement of the same formula differs in rounding only
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.9)]
    public void RmsPropFollowsPyTorchsRule(bool centered, double momentum)
    {
        const double lr = 0.01, alpha = 0.99, eps = 1e-8;
        double[] p = (double[])Start.Clone();
        double[] sq = new double[3], avg = new double[3], buf = new double[3];
        var expected = new List<double[]>();
        foreach (double[] grads in Gradients)
        {
            for (int i = 0; i < 3; i++)
            {
                double g = grads[i];
                sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
                double denominator;
                if (centered)
                {
                    avg[i] = alpha * avg[i] + (1 - alpha) * g;
                    denominator = Math.Sqrt(sq[i] - avg[i] * avg[i]) + eps;
                }
                else denominator = Math.Sqrt(sq[i]) + eps;
                if (momentum > 0)
                {
                    buf[i] = momentum * buf[i] + g / denominator;
                    p[i] -= lr * buf[i];
                }
                else p[i] -= lr * g / denominator;
            }
            expected.Add((double[])p.Clone());
        }
        Tensor leaf = Leaf();
        AssertClose([.. expected], Run(leaf, new RmsProp([leaf], lr, momentum: momentum, centered: centered)));
    }

    [Fact]
    public void ClipGradNormScalesToTheLimitAndReportsTheNorm()
    {
        Tensor a = Leaf(), b = Leaf();
        a.Grad = Tensor.FromArray(new[] { 3.0, 0, 0 });
        b.Grad = Tensor.FromArray(new[] { 0.0, 4, 0 });
        double norm = Optimizer.ClipGradNorm([a, b], 1.0);
        Assert.Equal(5.0, norm, 12);
        Assert.Equal(3.0 / (5 + 1e-6), a.Grad.ToDoubleArray()[0], 12);
        Assert.Equal(4.0 / (5 + 1e-6), b.Grad.ToDoubleArray()[1], 12);
        Assert.Equal(5.0 / (5 + 1e-6), Optimizer.ClipGradNorm([a, b], 10.0), 12); // under the limit: unchanged
    }

    [Fact]
    public void SchedulesSetTheRateStepByStep()
    {
        Tensor p = Leaf();
        var sgd = new Sgd([p], 1.0);
        var micrograd = new LinearSchedule(sgd, 100, 1.0, 0.1);
        Assert.Equal(1.0, sgd.LearningRate);
        for (int k = 1; k <= 100; k++)
        {
            micrograd.Step();
            Assert.Equal(1.0 - 0.9 * k / 100, sgd.LearningRate, 12);
        }
        var step = new StepSchedule(new Sgd([p], 0.5), stepSize: 2, gamma: 0.1);
        step.Step();
        Assert.Equal(0.5, step.CurrentRate, 12);
        step.Step();
        Assert.Equal(0.05, step.CurrentRate, 12);
        var cosine = new CosineSchedule(new Sgd([p], 1.0), totalSteps: 4, minRate: 0.2);
        cosine.Step();
        cosine.Step();
        Assert.Equal(0.2 + 0.8 * 0.5, cosine.CurrentRate, 12); // half way: the mean
        cosine.Step();
        cosine.Step();
        cosine.Step();
        Assert.Equal(0.2, cosine.CurrentRate, 12);
        var warmup = new LinearSchedule(new Sgd([p], 1.0), totalSteps: 10, startFactor: 0.1);
        Assert.Equal(0.1, warmup.CurrentRate, 12);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Tensor p = Leaf();
        Assert.Throws<ArgumentException>(() => new Sgd([Tensor.Ones(2)], 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], -1));
        Assert.Throws<ArgumentException>(() => new Sgd([p], 0.1, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta1: 1.0));
    }

    [Fact]
    public void ParametersWithoutGradientsAreSkipped()
    {
        Tensor p = Leaf();
        new Sgd([p], 0.1).Step();
        Assert.Equal(Start, p.ToDoubleArray());
    }

    [Fact]
    public void LibraryOptimizersUpdateOutsideNoGradAndASubclassElsewhereStillGetsIt()
    {
        // The library's optimizers write through kernels, so Step opens no NoGrad scope for
        // them; a subclass defined elsewhere (of Adam, here) may use tensor ops in Update, and
        // must still run under NoGrad, or its in-place update of a leaf would throw.
        Tensor p = Leaf();
        var probe = new ProbingAdam([p]);
        p.Grad = Tensor.FromArray([1.0, 1.0, 1.0]);
        probe.Step();
        Assert.False(probe.GradEnabledInUpdate);
        Assert.Equal([0.9, -2.1, 0.4], p.ToDoubleArray(), (a, b) => Math.Abs(a - b) < 1e-12);

        Tensor q = Leaf();
        q.Grad = Tensor.FromArray([1.0, 1.0, 1.0]);
        new Sgd([q], 0.1).Step();
        Assert.Equal([0.9, -2.1, 0.4], q.ToDoubleArray(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    private sealed class ProbingAdam(IEnumerable<Tensor> parameters) : Adam(parameters)
    {
        public bool? GradEnabledInUpdate { get; private set; }

        protected override void Update(int index, Tensor parameter, Tensor gradient)
        {
            GradEnabledInUpdate = Autograd.IsGradEnabled;
            parameter.CopyFrom(parameter - gradient * 0.1);
        }
    }
}
