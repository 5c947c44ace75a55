using Backprop.Kernels;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Tests.Optim;

/// <summary>
/// A step over all parameters as one pass split across threads (<see cref="FusedStep{TUpdate}"/>,
/// chunks crossing parameter boundaries): every element updated exactly once, the same bits as
/// the kernel over each whole parameter on the calling thread (one thread against as many as
/// the machine has), and Adam's split step against its formula in double.
/// </summary>
public class SplitStepTests
{
    // The 784-256-128-10 MLP's parameters (235,146 elements: split on a machine with two or more
    // cores) with some short and empty ones between them, so that chunks start and end inside
    // parameters and run across the short ones.
    private static readonly int[][] Shapes = [[256, 784], [256], [0], [128, 256], [3], [128], [10, 128], [10], [0, 4], [70_001]];

    [Fact]
    public void Every_element_of_every_parameter_is_updated_once_and_each_version_bumped_once()
    {
        int[] lengths = [0, 1, 63, 65, 70_001, 0, 200_704, 3, 32_768, 0];
        Tensor[] parameters = [.. lengths.Select(n => Tensor.Zeros(n))];
        int[][] seen = [.. lengths.Select(n => new int[n])];
        int[] versions = [.. parameters.Select(p => p.Version)];
        var step = new FusedStep<int[]>(static (counts, start, count) =>
        {
            for (int i = start; i < start + count; i++) Interlocked.Increment(ref counts[i]);
        }, lengths.Sum());
        for (int k = 0; k < lengths.Length; k++) step.Add(parameters[k], seen[k]);
        Assert.All(seen, counts => Assert.All(counts, c => Assert.Equal(0, c))); // queued, not run
        step.Run();
        for (int k = 0; k < lengths.Length; k++)
        {
            Assert.All(seen[k], c => Assert.Equal(1, c));
            Assert.Equal(versions[k] + 1, parameters[k].Version);
        }
        step.Run(); // nothing queued: nothing runs
        Assert.All(seen, counts => Assert.All(counts, c => Assert.Equal(1, c)));
    }

    [Fact]
    public void A_step_too_short_to_split_runs_each_update_as_it_is_added()
    {
        // TF Playground's network: 400 elements, far below two threads' minimum slices.
        int[] lengths = [56, 8, 64, 8, 8, 1, 0];
        Tensor[] parameters = [.. lengths.Select(n => Tensor.Zeros(n))];
        int[][] seen = [.. lengths.Select(n => new int[n])];
        var step = new FusedStep<int[]>(static (counts, start, count) =>
        {
            for (int i = start; i < start + count; i++) counts[i]++;
        }, lengths.Sum());
        for (int k = 0; k < lengths.Length; k++)
        {
            int version = parameters[k].Version;
            step.Add(parameters[k], seen[k]);
            Assert.All(seen[k], c => Assert.Equal(1, c));
            Assert.Equal(version + 1, parameters[k].Version);
        }
        step.Run(); // everything already ran: nothing runs twice
        Assert.All(seen, counts => Assert.All(counts, c => Assert.Equal(1, c)));
    }

    private static (Tensor[] Parameters, float[][] Gradients) Problem(uint seed)
    {
        var random = new NumpyRandom(seed);
        var parameters = new Tensor[Shapes.Length];
        var gradients = new float[Shapes.Length][];
        for (int k = 0; k < Shapes.Length; k++)
        {
            parameters[k] = Tensor.Randn(random, Shapes[k]) * 0.05;
            parameters[k].RequiresGrad = true;
            gradients[k] = (Tensor.Randn(random, Shapes[k]) * 0.01).ToFloatArray();
        }
        return (parameters, gradients);
    }

    public static TheoryData<string> Optimizers => new() { "adam", "adamw", "rmsprop", "sgd" };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void The_split_step_equals_the_kernel_over_each_whole_parameter_bit_for_bit(string name)
    {
        (Tensor[] parameters, float[][] gradients) = Problem(21);
        const double lr = 3e-3, weightDecay = 0.01;
        Optimizer optimizer = name switch
        {
            "adam" => new Adam(parameters, lr, weightDecay: weightDecay),
            "adamw" => new AdamW(parameters, lr, weightDecay: weightDecay),
            "rmsprop" => new RmsProp(parameters, lr, weightDecay: weightDecay, momentum: 0.9, centered: true),
            _ => new Sgd(parameters, lr, momentum: 0.9, weightDecay: weightDecay, nesterov: true),
        };
        // The reference: each parameter whole, one after the other, on this thread.
        float[][] p = [.. parameters.Select(t => t.ToFloatArray())];
        float[][] a = [.. p.Select(x => new float[x.Length])], b = [.. p.Select(x => new float[x.Length])], c = [.. p.Select(x => new float[x.Length])];
        for (int t = 1; t <= 3; t++)
        {
            for (int k = 0; k < parameters.Length; k++)
            {
                // Different gradients each step, so that the moments differ from step to step.
                float[] g = [.. gradients[k].Select(x => x * t)];
                parameters[k].Grad = Tensor.FromArray(g, Shapes[k]);
                switch (name)
                {
                    case "adam" or "adamw":
                        AdamKernel.Step<float>(p[k], g, a[k], b[k], new AdamScalars(0.9, 0.999, 1e-8, weightDecay, name == "adamw", lr, t));
                        break;
                    case "rmsprop":
                        RmsPropKernel.Step<float>(p[k], g, a[k], b[k], c[k], new RmsPropScalars(lr, 0.99, 1e-8, weightDecay, 0.9, true));
                        break;
                    default:
                        SgdKernel.Step<float>(p[k], g, a[k], new SgdScalars(lr, 0.9, 0, weightDecay, true, t == 1));
                        break;
                }
            }
            optimizer.Step();
            for (int k = 0; k < parameters.Length; k++)
            {
                float[] actual = parameters[k].ToFloatArray();
                for (int i = 0; i < actual.Length; i++)
                {
                    if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(p[k][i]))
                        Assert.Fail($"{name}, step {t}, parameter {k}, element {i}: split {actual[i]:R}, whole {p[k][i]:R}");
                }
            }
        }
    }

    [Fact]
    public void Adams_split_step_agrees_with_its_formula_in_double()
    {
        // The optimizer's whole step (chunks across threads and parameters) against Adam's
        // update computed per element in double from moments computed in float (as the kernel
        // does, in its order): the parameter within half a unit in its last place plus the twelve
        // relative units of the update that AdamKernel documents.
        (Tensor[] parameters, float[][] gradients) = Problem(22);
        const double lr = 3e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01;
        var optimizer = new AdamW(parameters, lr, beta1, beta2, eps, weightDecay);
        float[][] m = [.. parameters.Select(t => new float[t.Count])], v = [.. parameters.Select(t => new float[t.Count])];
        for (int t = 1; t <= 3; t++)
        {
            float[][] before = [.. parameters.Select(x => x.ToFloatArray())];
            for (int k = 0; k < parameters.Length; k++) parameters[k].Grad = Tensor.FromArray([.. gradients[k].Select(x => x * t)], Shapes[k]);
            optimizer.Step();
            double biasCorrection1 = 1 - Math.Pow(beta1, t), biasCorrection2 = 1 - Math.Pow(beta2, t);
            for (int k = 0; k < parameters.Length; k++)
            {
                float[] after = parameters[k].ToFloatArray();
                for (int i = 0; i < after.Length; i++)
                {
                    float p = before[k][i] * (float)(1 - lr * weightDecay), g = gradients[k][i] * t;
                    m[k][i] = g * (float)(1 - beta1) + m[k][i] * (float)beta1;
                    v[k][i] = g * g * (float)(1 - beta2) + v[k][i] * (float)beta2;
                    double update = m[k][i] / (Math.Sqrt(v[k][i]) / Math.Sqrt(biasCorrection2) + eps) * (-lr / biasCorrection1);
                    double expected = p + update;
                    double ulp = MathF.BitIncrement(Math.Abs(after[i])) - Math.Abs(after[i]);
                    double bound = ulp / 2 + 12 * Math.Pow(2, -24) * Math.Abs(update);
                    if (!(Math.Abs(after[i] - expected) <= bound))
                        Assert.Fail($"step {t}, parameter {k}, element {i}: split step {after[i]:R}, formula {expected:R} (bound {bound:R})");
                }
            }
        }
    }
}
