using System.Diagnostics;
using System.Runtime;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Cli.Bench;

/// <summary>
/// <c>backprop bench conv</c>: the convolution workloads issue 10 compares with PyTorch
/// (bench/peers/torch_conv.py times the same ones under the same names): a Conv2d 32→64 3×3
/// forward and backward on a [64, 32, 28, 28] batch, the same depthwise (64 groups), and the
/// training step of <c>train --model cnn</c>'s network at batch 64 with Adam.
/// </summary>
public static class ConvBenchmark
{
    /// <summary>Times each workload (median of repeated runs after a warm-up) on as many threads as the process may use.</summary>
    public static List<TensorFigure> Measure()
    {
        var random = new NumpyRandom(7);
        var conv = new Conv2d(32, 64, 3, random, padding: 1);
        Tensor x = Tensor.Randn(random, 64, 32, 28, 28);
        x.RequiresGrad = true;
        var depthwise = new Conv2d(64, 64, 3, random, padding: 1, groups: 64);
        Tensor xd = Tensor.Randn(random, 64, 64, 28, 28);
        xd.RequiresGrad = true;
        var cnn = new Cnn(28, [32, 64], 10, new NumpyRandom(1));
        var adam = new Adam(cnn.Parameters(), 1e-3);
        Tensor images = Tensor.Rand(random, 64, 784);
        Tensor labels = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (long)(i % 10)).ToArray());

        return
        [
            new("Conv2d 32->64 3x3 pad 1 on [64,32,28,28], forward + backward",
                Median(() => ForwardBackward(conv, x), runs: 15) / 1000, "ms", "<= PyTorch"),
            new("Depthwise Conv2d 64 groups 3x3 pad 1 on [64,64,28,28], forward + backward",
                Median(() => ForwardBackward(depthwise, xd), runs: 15) / 1000, "ms", "<= PyTorch"),
            new("CNN step (conv 32, conv 64, batch norm, max pool, linear), batch 64, Adam",
                Median(() => Step(cnn, adam, images, labels), runs: 30) / 1000, "ms", "<= PyTorch"),
        ];
    }

    /// <summary>Runs without a JIT thread taking a core: <see cref="WarmUpUntilCompiled"/>, then the median of <paramref name="runs"/> after <see cref="TensorBenchmark"/>'s own warm-up.</summary>
    private static double Median(Action workload, int runs)
    {
        WarmUpUntilCompiled(workload, QuietRuns, MaxWarmUp);
        return TensorBenchmark.MedianMicroseconds(workload, warmup: 3, runs);
    }

    /// <summary>Runs in a row during which the JIT must compile nothing before the timing starts.</summary>
    internal const int QuietRuns = 10;

    /// <summary>The longest <see cref="WarmUpUntilCompiled"/> waits for the JIT.</summary>
    internal static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Runs <paramref name="workload"/> until the JIT has compiled no method during
    /// <paramref name="quietRuns"/> runs in a row, or for <paramref name="limit"/>; returns the runs.
    /// </summary>
    /// <remarks>
    /// Tiered compilation recompiles a method that runs once a step (the op, its backward rule,
    /// the tape) only after some 60 calls, three times over with dynamic PGO, on a thread of its
    /// own: with two worker threads on two cores, that thread takes a core from the workload
    /// (on one thread it has the other core to itself). After 25 runs of the Conv2d workload
    /// (what the two-second warm-up is on a quiet machine) some 190 methods were still
    /// recompiled within the 15 timed runs, 140–220 ms of the JIT thread's CPU
    /// (docs/performance.md, sixth session). PyTorch has no JIT to wait for.
    /// </remarks>
    internal static int WarmUpUntilCompiled(Action workload, int quietRuns, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        long compiled = JitInfo.GetCompiledMethodCount();
        int runs = 0;
        for (int quiet = 0; quiet < quietRuns && clock.Elapsed < limit; runs++)
        {
            workload();
            long now = JitInfo.GetCompiledMethodCount();
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
        }
        return runs;
    }

    private static void ForwardBackward(Module layer, Tensor input)
    {
        using (Tensor.Scope())
        {
            layer.ZeroGrad();
            input.ZeroGrad();
            layer.Forward(input).Sum().Backward();
        }
    }

    private static void Step(Module model, Optimizer optimizer, Tensor images, Tensor labels)
    {
        using (Tensor.Scope())
        {
            optimizer.ZeroGrad();
            Losses.CrossEntropy(model.Forward(images), labels).Backward();
            optimizer.Step();
        }
    }
}
