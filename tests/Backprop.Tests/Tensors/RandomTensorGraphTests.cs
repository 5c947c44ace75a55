using CsCheck;

namespace Backprop.Tests.Tensors;

/// <summary>
/// Property tests: random compositions of tensor ops, with shared intermediate tensors and
/// broadcasting, checked by GradCheck in Float64.
/// </summary>
public class RandomTensorGraphTests
{
    private readonly record struct Step(int Op, int Left, int Right);

    private static readonly Gen<Step[]> Programs =
        Gen.Select(Gen.Int[0, 11], Gen.Int[0, 1000], Gen.Int[0, 1000], (op, l, r) => new Step(op, l, r)).Array[1, 10];

    /// <summary>
    /// Runs <paramref name="program"/> on two inputs, [3,4] and [4]: each step combines two
    /// earlier tensors (broadcasting [4] against [3,4] where they meet) with smooth ops, and the
    /// output sums every tensor built, so each is used at least twice.
    /// </summary>
    private static Tensor Run(Step[] program, Tensor matrix, Tensor row)
    {
        var nodes = new List<Tensor> { matrix, row };
        foreach (Step step in program)
        {
            Tensor a = nodes[step.Left % nodes.Count];
            Tensor b = nodes[step.Right % nodes.Count];
            nodes.Add(step.Op switch
            {
                0 => a + b,
                1 => (a * b).Tanh(),
                2 => a - b * 0.5,
                3 => a.Sigmoid(),
                4 => a.Tanh().Pow(3),
                5 => (a * a + 1.0).Log(),
                6 => a / (b * b + 1.0),
                7 => a.Softplus(),
                8 => a.Rank == 2 ? a.Softmax(-1) : a.Exp() * 0.1,
                9 => a.Rank == 2 ? (a.MatMul(a.T).MatMul(a) * 0.1).Tanh() : a.Gelu(),
                10 => a.Rank == 2 ? a.LogSumExp([1], keepDim: true) * b : a.Mean() * b,
                _ => a.Rank == 2 ? a.T.Sum(1) * 0.3 : a.Erf(),
            });
        }
        Tensor sum = nodes[0].Sum();
        for (int i = 1; i < nodes.Count; i++) sum += nodes[i].Sum();
        return sum;
    }

    [Fact]
    public void BackwardMatchesFiniteDifferencesOnRandomGraphs()
    {
        Gen.Select(Programs, Gen.UInt).Sample((program, seed) =>
        {
            Tensor matrix = TensorTestData.Normal(seed, 3, 4);
            Tensor row = TensorTestData.Normal(seed + 1, 4);
            double value;
            using (Autograd.NoGrad()) value = Run(program, matrix, row).Item();
            // A central difference carries the output's rounding, about |f|·2⁻⁵² / eps: some
            // programs reach outputs of 1e10 and more (exponentials of products), where a
            // gradient of 1 moves f by less than its last bit and the difference reads 0.
            double atol = Math.Max(1e-5, 16 * Math.Abs(value) * Math.Pow(2, -52) / 1e-6);
            GradCheckResult result = GradCheck.Check(x => Run(program, x[0], x[1]), [matrix, row], atol: atol);
            Assert.True(result.Passed, $"output {value:R}, atol {atol:R}: {result.Message}");
        }, iter: 150);
    }

    private static (double[] Matrix, double[] Row) Gradients(Step[] program, uint seed, bool scoped, int passes)
    {
        // [16,12] and [12] Float64: large enough that every intermediate comes from the pool.
        Tensor matrix = TensorTestData.Normal(seed, 16, 12) * 0.3, row = TensorTestData.Normal(seed + 1, 12);
        matrix = matrix.Detach();
        matrix.RequiresGrad = true;
        for (int pass = 0; pass < passes; pass++)
        {
            using Backprop.Memory.TensorScope? scope = scoped ? Tensor.Scope() : null;
            Run(program, matrix, row).Backward();
        }
        return (matrix.Grad!.ToDoubleArray(), row.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ScopesAndPooledBuffersNeverChangeAGradientAndBackwardTwiceDoublesIt()
    {
        Gen.Select(Programs, Gen.UInt).Sample((program, seed) =>
        {
            (double[] m, double[] r) = Gradients(program, seed, scoped: false, passes: 1);
            (double[] ms, double[] rs) = Gradients(program, seed, scoped: true, passes: 1);
            Assert.Equal(m, ms);
            Assert.Equal(r, rs);
            (double[] m2, double[] r2) = Gradients(program, seed, scoped: true, passes: 2);
            Assert.Equal(m.Select(v => 2 * v), m2); // exact: x + x = 2x in floating point
            Assert.Equal(r.Select(v => 2 * v), r2);
        }, iter: 60);
    }

    [Fact]
    public void AnInPlaceWriteAfterTheForwardGivesAnErrorOrTheRightGradientNeverAWrongOne()
    {
        Gen.Select(Programs, Gen.UInt).Sample((program, seed) =>
        {
            (double[] right, _) = Gradients(program, seed, scoped: false, passes: 1);
            Tensor matrix = (TensorTestData.Normal(seed, 16, 12) * 0.3).Detach(), row = TensorTestData.Normal(seed + 1, 12);
            matrix.RequiresGrad = true;
            Tensor output = Run(program, matrix, row);
            using (Autograd.NoGrad()) matrix.MulInPlace(3);
            try
            {
                output.Backward();
            }
            catch (InvalidOperationException e)
            {
                Assert.Contains("was modified in place", e.Message);
                return;
            }
            Assert.Equal(right, matrix.Grad!.ToDoubleArray());
        }, iter: 100);
    }
}
