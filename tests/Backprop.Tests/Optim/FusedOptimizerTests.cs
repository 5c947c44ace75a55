using Backprop.Kernels;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Tests.Optim;

/// <summary>
/// The fused optimizer kernels against the composed tensor formulas they replaced
/// (<see cref="ComposedSgd"/>, <see cref="ComposedAdam"/>, <see cref="ComposedRmsProp"/>): the
/// same parameters bit for bit after several steps of random gradients (SGD, RMSprop), or
/// within the documented bound of one reordered operation (Adam, AdamW: see
/// <see cref="AdamKernel"/>), in float32 and float64, over lengths that exercise every vector
/// width and the scalar tail, with transposed gradients.
/// </summary>
public class FusedOptimizerTests
{
    // Lengths 1, 3, 7, 8, 9, 31, 100, 4099 (vector bodies plus every tail), a matrix whose
    // gradient arrives transposed, an empty parameter, and two long ones: together long enough
    // for a step to be updated in chunks on several threads, chunks crossing parameters
    // (FusedStep, ParallelSlices; on a machine with two or more cores).
    private static readonly int[][] Shapes = [[1], [3], [7], [8], [9], [31], [100], [4099], [13, 7], [0], [70_001], [300, 257]];

    /// <summary>Two identical sets of parameters (seeded) and the gradients of each step.</summary>
    private static (Tensor[] Fused, Tensor[] Composed, Tensor[][] Gradients) Problem(DType dtype, uint seed, bool withNaN = false, int stepCount = 5)
    {
        var random = new NumpyRandom(seed);
        var fused = new Tensor[Shapes.Length];
        var composed = new Tensor[Shapes.Length];
        for (int i = 0; i < Shapes.Length; i++)
        {
            Tensor p = Tensor.Randn(random, Shapes[i], dtype);
            fused[i] = p.Detach().Contiguous();
            composed[i] = ShapeOps.Copy(p);
            fused[i].RequiresGrad = composed[i].RequiresGrad = true;
        }
        var gradients = new Tensor[stepCount][];
        for (int s = 0; s < stepCount; s++)
        {
            gradients[s] = new Tensor[Shapes.Length];
            for (int i = 0; i < Shapes.Length; i++)
            {
                int[] shape = Shapes[i];
                // Gradients of all sizes, some tiny and some zero, so that the moments cover a range.
                Tensor g = shape.Length == 2
                    ? Tensor.Randn(random, [shape[1], shape[0]], dtype).T // a transposed view, as Linear's weight gradient may be
                    : Tensor.Randn(random, shape, dtype) * Math.Pow(10, s % 5 - 2);
                if (s == 1 && g.Count > 0 && shape.Length == 1) g = g * Tensor.Rand(random, shape, dtype).Gt(0.3);
                if (withNaN && s == 2 && g.Count > 2)
                {
                    g = ShapeOps.Copy(g);
                    using (Autograd.NoGrad()) SetFirst(g, double.NaN);
                }
                gradients[s][i] = g;
            }
        }
        return (fused, composed, gradients);
    }

    private static void SetFirst(Tensor t, double value)
    {
        if (t.DType == DType.Float32) t.Span<float>()[0] = (float)value;
        else t.Span<double>()[0] = value;
    }

    private static void RunBoth(Optimizer fused, Optimizer composed, Tensor[][] gradients)
    {
        foreach (Tensor[] step in gradients)
        {
            for (int i = 0; i < step.Length; i++)
            {
                fused.Parameters[i].Grad = step[i];
                composed.Parameters[i].Grad = step[i];
            }
            fused.Step();
            composed.Step();
            for (int i = 0; i < step.Length; i++) AssertSameBits(composed.Parameters[i], fused.Parameters[i], $"step {fused.Steps}, parameter {i}");
        }
    }

    /// <summary>
    /// Steps both optimizers from the same parameters and asserts, each step, that the fused
    /// parameter is within one unit in the last place of the composed one plus
    /// <see cref="AdamUpdateUlps"/> relative units of that step's update (the bound
    /// <see cref="AdamKernel"/> documents for its one reordered operation); then sets the fused
    /// parameter to the composed one, so that every step starts from the same numbers (the
    /// moments are computed identically, so they stay equal). Returns the elements that
    /// differed, and checks bit-identity from <paramref name="exactFromStep"/> on.
    /// </summary>
    private static int RunWithinAdamBound(Optimizer fused, Optimizer composed, Tensor[][] gradients, int exactFromStep = int.MaxValue)
    {
        int differing = 0;
        foreach (Tensor[] step in gradients)
        {
            double[][] before = [.. composed.Parameters.Select(p => p.ToDoubleArray())];
            for (int i = 0; i < step.Length; i++)
            {
                fused.Parameters[i].Grad = step[i];
                composed.Parameters[i].Grad = step[i];
            }
            fused.Step();
            composed.Step();
            for (int i = 0; i < step.Length; i++)
            {
                Tensor f = fused.Parameters[i], c = composed.Parameters[i];
                double[] e = c.ToDoubleArray(), a = f.ToDoubleArray();
                bool isFloat = c.DType == DType.Float32;
                double unit = isFloat ? Math.Pow(2, -24) : Math.Pow(2, -53);
                for (int k = 0; k < e.Length; k++)
                {
                    string where = $"step {fused.Steps}, parameter {i}, element {k}: composed {e[k]:R}, fused {a[k]:R}";
                    if (double.IsNaN(e[k]) || double.IsNaN(a[k]))
                    {
                        Assert.True(double.IsNaN(e[k]) && double.IsNaN(a[k]), where);
                        continue;
                    }
                    if (e[k] != a[k]) differing++;
                    if (fused.Steps >= exactFromStep) Assert.True(e[k] == a[k], where);
                    double ulp = isFloat ? MathF.BitIncrement((float)Math.Abs(e[k])) - (float)Math.Abs(e[k]) : Math.BitIncrement(Math.Abs(e[k])) - Math.Abs(e[k]);
                    double bound = ulp + AdamUpdateUlps * unit * Math.Abs(e[k] - before[i][k]);
                    Assert.True(Math.Abs(e[k] - a[k]) <= bound, $"{where} (bound {bound:R})");
                }
                // The next step starts from the composed parameter on both sides.
                if (isFloat) c.Span<float>().CopyTo(f.Span<float>());
                else c.Span<double>().CopyTo(f.Span<double>());
            }
        }
        return differing;
    }

    /// <summary>
    /// How far (in units of 2⁻²⁴ of the update, float; 2⁻⁵³, double) Adam's fused update may
    /// differ from the composed formula's: its one reordered operation (a multiplication by
    /// 1 / √(1 - β₂ᵗ) instead of a division by √(1 - β₂ᵗ)) moves the denominator by at most four
    /// units, and the division, ε and the step size add one rounding each.
    /// </summary>
    private const double AdamUpdateUlps = 12;

    private static void AssertSameBits(Tensor expected, Tensor actual, string where)
    {
        double[] e = expected.ToDoubleArray(), a = actual.ToDoubleArray();
        Assert.Equal(e.Length, a.Length);
        for (int k = 0; k < e.Length; k++)
        {
            // Float32 widened to double keeps every bit, so comparing doubles compares the floats.
            bool same = (double.IsNaN(e[k]) && double.IsNaN(a[k])) || BitConverter.DoubleToInt64Bits(e[k]) == BitConverter.DoubleToInt64Bits(a[k]);
            Assert.True(same, $"{where}, element {k}: composed {e[k]:R}, fused {a[k]:R}");
        }
    }

    public static TheoryData<DType> Types => new() { DType.Float32, DType.Float64 };

    [Theory]
    [InlineData(DType.Float32, 0.0, 0.0, 0.0, false)]
    [InlineData(DType.Float32, 0.9, 0.0, 0.0, false)]
    [InlineData(DType.Float32, 0.9, 0.0, 0.0, true)]
    [InlineData(DType.Float32, 0.9, 0.1, 0.0, false)]
    [InlineData(DType.Float32, 0.9, 0.25, 1e-2, false)]
    [InlineData(DType.Float32, 0.0, 0.0, 1e-2, false)]
    [InlineData(DType.Float32, 0.8, 0.0, 1e-3, true)]
    [InlineData(DType.Float64, 0.9, 0.1, 1e-2, false)]
    [InlineData(DType.Float64, 0.9, 0.0, 1e-2, true)]
    public void SgdMatchesTheComposedFormulaBitForBit(DType dtype, double momentum, double dampening, double weightDecay, bool nesterov)
    {
        (Tensor[] fused, Tensor[] composed, Tensor[][] gradients) = Problem(dtype, 11);
        RunBoth(new Sgd(fused, 0.05, momentum, weightDecay, nesterov, dampening),
            new ComposedSgd(composed, 0.05, momentum, weightDecay, nesterov, dampening), gradients);
    }

    [Theory]
    [InlineData(DType.Float32, 0.0, false, 0.9, 0.999)]
    [InlineData(DType.Float32, 0.05, false, 0.9, 0.999)]
    [InlineData(DType.Float32, 0.05, true, 0.9, 0.999)]
    [InlineData(DType.Float32, 0.01, true, 0.0, 0.5)]
    [InlineData(DType.Float32, 0.0, false, 0.5, 0.0)]
    [InlineData(DType.Float64, 0.05, false, 0.9, 0.999)]
    [InlineData(DType.Float64, 0.05, true, 0.9, 0.999)]
    public void AdamAndAdamWMatchTheComposedFormulaWithinTheDocumentedBound(DType dtype, double weightDecay, bool decoupled, double beta1, double beta2)
    {
        (Tensor[] fused, Tensor[] composed, Tensor[][] gradients) = Problem(dtype, 12);
        Optimizer optimizer = decoupled
            ? new AdamW(fused, 3e-3, beta1, beta2, 1e-8, weightDecay)
            : new Adam(fused, 3e-3, beta1, beta2, 1e-8, weightDecay);
        // β₂ = 0 makes the correction 1 from the first step: the kernel is then the composed formula.
        RunWithinAdamBound(optimizer, new ComposedAdam(composed, 3e-3, beta1, beta2, 1e-8, weightDecay, decoupled), gradients,
            exactFromStep: beta2 == 0 ? 1 : int.MaxValue);
    }

    [Fact]
    public void AdamMatchesTheComposedFormulaBitForBitPastTheStepWhereItsSecondCorrectionIsOne()
    {
        // With β₂ = 0.9, √(1 - β₂ᵗ) rounds to 1 in float from some t near 160 on, and the kernel
        // skips its multiplication by the reciprocal: 200 steps cross that point; before it the
        // results differ in last bits (within the bound), after it not at all.
        int unitFrom = Enumerable.Range(1, 400).First(t => (float)Math.Sqrt(1 - Math.Pow(0.9, t)) == 1f);
        Assert.InRange(unitFrom, 100, 199);
        (Tensor[] fused, Tensor[] composed, Tensor[][] gradients) = Problem(DType.Float32, 17, stepCount: 200);
        int differing = RunWithinAdamBound(new Adam(fused, 1e-3, 0.8, 0.9, 1e-8, 0.01), new ComposedAdam(composed, 1e-3, 0.8, 0.9, 1e-8, 0.01),
            gradients, exactFromStep: unitFrom);
        Assert.True(differing > 0, "the reordered operation changed no bit before the correction became 1");
    }

    [Theory]
    [InlineData(1, 0.0, false)]
    [InlineData(2, 0.05, false)]
    [InlineData(10, 0.05, true)]
    [InlineData(1000, 0.0, false)]
    [InlineData(20_000, 0.01, true)]
    public void AdamKernelAgreesWithADoublePrecisionReference(int step, double weightDecay, bool decoupled)
    {
        // The kernel alone (float32, 4,099 elements: every vector width and the tail) against
        // the same update in double: the moments bit for bit (computed in float in the kernel's
        // order), the parameter within half a unit in its last place plus a few units of the
        // update. A kernel that dropped or misplaced a factor (a bias correction, ε, the step
        // size) would be off by far more.
        const int n = 4099;
        const double lr = 3e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var random = new NumpyRandom((uint)step);
        float[] p = Floats(random, n, 1), g = Floats(random, n, 0.01), m = Floats(random, n, 0.01);
        float[] v = [.. Floats(random, n, 1e-2).Select(x => x * x)];
        float[] p0 = (float[])p.Clone(), m0 = (float[])m.Clone(), v0 = (float[])v.Clone();
        var scalars = new AdamScalars(beta1, beta2, eps, weightDecay, decoupled, lr, step);
        AdamKernel.Step<float>(p, g, m, v, scalars);

        double biasCorrection1 = 1 - Math.Pow(beta1, step), biasCorrection2 = 1 - Math.Pow(beta2, step);
        for (int k = 0; k < n; k++)
        {
            float pk = p0[k], gk = g[k];
            if (decoupled) pk *= (float)(1 - lr * weightDecay);
            else gk += pk * (float)weightDecay;
            float mk = gk * (float)(1 - beta1) + m0[k] * (float)beta1;
            float vk = gk * gk * (float)(1 - beta2) + v0[k] * (float)beta2;
            Assert.Equal(mk, m[k]);
            Assert.Equal(vk, v[k]);
            double update = mk / (Math.Sqrt(vk) / Math.Sqrt(biasCorrection2) + eps) * (-lr / biasCorrection1);
            double expected = pk + update;
            double ulp = MathF.BitIncrement(Math.Abs(p[k])) - Math.Abs(p[k]);
            double bound = ulp / 2 + AdamUpdateUlps * Math.Pow(2, -24) * Math.Abs(update);
            Assert.True(Math.Abs(p[k] - expected) <= bound, $"element {k}: kernel {p[k]:R}, reference {expected:R} (bound {bound:R})");
        }
    }

    private static float[] Floats(NumpyRandom random, int n, double scale) =>
        [.. random.Randn(n).Select(x => (float)(x * scale))];

    [Theory]
    [InlineData(DType.Float32, false, 0.0, 0.0)]
    [InlineData(DType.Float32, true, 0.0, 0.0)]
    [InlineData(DType.Float32, false, 0.9, 0.0)]
    [InlineData(DType.Float32, true, 0.9, 1e-2)]
    [InlineData(DType.Float32, false, 0.0, 1e-2)]
    [InlineData(DType.Float64, true, 0.9, 1e-2)]
    public void RmsPropMatchesTheComposedFormulaBitForBit(DType dtype, bool centered, double momentum, double weightDecay)
    {
        (Tensor[] fused, Tensor[] composed, Tensor[][] gradients) = Problem(dtype, 13);
        RunBoth(new RmsProp(fused, 1e-2, 0.99, 1e-8, weightDecay, momentum, centered),
            new ComposedRmsProp(composed, 1e-2, 0.99, 1e-8, weightDecay, momentum, centered), gradients);
    }

    [Fact]
    public void ANaNGradientPropagatesToItsElementOnly()
    {
        (Tensor[] fused, Tensor[] composed, Tensor[][] gradients) = Problem(DType.Float32, 14, withNaN: true);
        RunWithinAdamBound(new Adam(fused, 1e-2), new ComposedAdam(composed, 1e-2), gradients);
        Tensor big = fused[7]; // 4099 elements, NaN in element 0 from step 3 on
        float[] values = big.ToFloatArray();
        Assert.True(float.IsNaN(values[0]));
        Assert.All(values.Skip(1), v => Assert.True(float.IsFinite(v)));

        (fused, composed, gradients) = Problem(DType.Float32, 15, withNaN: true);
        RunBoth(new Sgd(fused, 0.1, momentum: 0.9), new ComposedSgd(composed, 0.1, momentum: 0.9), gradients);
        Assert.True(float.IsNaN(fused[7].ToFloatArray()[0]));
        (fused, composed, gradients) = Problem(DType.Float32, 16, withNaN: true);
        RunBoth(new RmsProp(fused, centered: true, momentum: 0.5), new ComposedRmsProp(composed, centered: true, momentum: 0.5), gradients);
        Assert.True(float.IsNaN(fused[7].ToFloatArray()[0]));
    }

    [Fact]
    public void AZeroGradientLeavesAdamsParameterWhereItIs()
    {
        Tensor p = Tensor.FromArray(new float[] { 1.5f, -2, 0, 3 });
        p.RequiresGrad = true;
        var adam = new Adam([p], 0.1);
        var sgd = new Sgd([p], 0.1, momentum: 0.9);
        var rms = new RmsProp([p], 0.1, centered: true);
        for (int s = 0; s < 3; s++)
        {
            p.Grad = Tensor.Zeros(4);
            adam.Step();
            sgd.Step();
            rms.Step();
        }
        Assert.Equal(new float[] { 1.5f, -2, 0, 3 }, p.ToFloatArray());
    }

    [Fact]
    public void AnEmptyParameterIsAStepThatDoesNothing()
    {
        foreach (Func<Tensor, Optimizer> make in new Func<Tensor, Optimizer>[]
        {
            p => new Adam([p]), p => new AdamW([p]), p => new Sgd([p], 0.1, momentum: 0.9, weightDecay: 0.1),
            p => new RmsProp([p], momentum: 0.9, centered: true),
        })
        {
            Tensor p = Tensor.Zeros(0, 5);
            p.RequiresGrad = true;
            p.Grad = Tensor.Zeros(0, 5);
            Optimizer optimizer = make(p);
            optimizer.Step();
            optimizer.Step();
            Assert.Equal(0, p.Count);
        }
    }

    [Fact]
    public void TheStepAllocatesNothingOnceTheStateExists()
    {
        var random = new NumpyRandom(3);
        Tensor w = Tensor.Randn(random, 256, 784), b = Tensor.Randn(random, 256);
        w.RequiresGrad = b.RequiresGrad = true;
        w.Grad = Tensor.Randn(random, 256, 784);
        b.Grad = Tensor.Randn(random, 256);
        foreach (Optimizer optimizer in new Optimizer[] { new Adam([w, b]), new AdamW([w, b]), new Sgd([w, b], 0.1, momentum: 0.9, weightDecay: 1e-4), new RmsProp([w, b], centered: true, momentum: 0.5) })
        {
            optimizer.Step(); // creates the state
            // The least of five steps: a one-off allocation by the runtime on this thread (seen
            // once in a full parallel test run) is not the step's.
            long allocated = long.MaxValue;
            for (int r = 0; r < 5; r++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                optimizer.Step();
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            // A long step (w: 200,704 elements) is updated in chunks on several cores, and
            // Parallel.For's bookkeeping (about 2 KB a call) is all that a split step allocates.
            long limit = ParallelSlices.Chunks(w.Count + b.Count) == 1 ? 1024 : 4096;
            Assert.True(allocated < limit, $"{optimizer.GetType().Name}: a step allocated {allocated} bytes (limit {limit})");
        }
    }
}
