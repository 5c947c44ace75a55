using System.Diagnostics;
using Backprop.Kernels;
using Backprop.Random;

namespace Backprop.Cli.Bench;

/// <summary>One measured figure of <c>backprop bench tensor</c>.</summary>
/// <param name="Workload">What was measured.</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Target">The issue's target, in words.</param>
public sealed record TensorFigure(string Workload, double Value, string Unit, string Target);

/// <summary>Measures the tensor engine (<c>backprop bench tensor</c>): the workloads of the tensor-engine issue.</summary>
public static class TensorBenchmark
{
    /// <summary>
    /// How long each workload runs untimed first: long enough for tiered compilation to reach
    /// its optimised code and for the thread pool to have its workers.
    /// </summary>
    private const int WarmupMilliseconds = 2000;

    /// <summary>Runs every workload and returns its figures.</summary>
    /// <param name="longRun">Also run 10,000 MLP steps and report memory and gen-2 collections.</param>
    public static List<TensorFigure> Measure(bool longRun)
    {
        var figures = new List<TensorFigure>();
        foreach (int threads in new[] { 2, 1 })
        {
            figures.Add(new($"float32 matmul 1024x1024x1024, {threads} thread{(threads > 1 ? "s" : "")}", MatMulGflops(1024, threads), "GFLOP/s",
                threads == 2 ? ">= 400" : ">= 200"));
        }
        foreach (int size in new[] { 128, 256, 512, 1024 })
        {
            (double kernel, double share) = TensorMatMulShare(size);
            figures.Add(new($"Tensor.MatMul {size}^3 as a share of the kernel alone ({kernel:F0} GFLOP/s)", share, "%", ">= 95"));
        }
        var workloads = new TensorWorkloads();
        figures.Add(new("1-element mul, forward + backward", OneElementMulMicroseconds(workloads), "us", "<= 1"));
        figures.Add(new("MLP 784-256-128-10 step, batch 128 (raw tensors)",
            MedianMicroseconds(workloads.RawMlpStep, warmup: 30, runs: 200) / 1000, "ms", "<= 0.5"));
        figures.Add(new("MLP 784-256-128-10 step, batch 128 (nn modules + Sgd optimizer)",
            MedianMicroseconds(workloads.ModuleMlpStep, warmup: 30, runs: 200) / 1000, "ms", "within 10% of raw tensors"));
        figures.Add(new("MLP 784-256-128-10 step, batch 128 (nn modules + Adam)",
            MedianMicroseconds(workloads.ModuleMlpAdamStep, warmup: 30, runs: 200) / 1000, "ms", "PyTorch / 1.2 (1 thread), / 1.5 (2)"));
        (double allocated, double faults) = SteadyState(workloads.ModuleMlpAdamStep, steps: 200);
        figures.Add(new("MLP step (modules + Adam): bytes allocated a step", allocated, "B", "<= 65536"));
        figures.Add(new("MLP step (modules + Adam): minor page faults a step", faults, "", "<= 10"));
        figures.Add(new("Adam update alone, the MLP's 235k parameters (fused kernel)",
            MedianMicroseconds(AdamUpdate(), warmup: 100, runs: 500), "us", "<= 60"));
        figures.Add(new("MLP 2-16-16-1 step, 100 moons points (hinge loss + L2)",
            MedianMicroseconds(workloads.MoonsStep, warmup: 200, runs: 2000), "us", "<= 40"));

        if (longRun)
        {
            GC.Collect();
            for (int i = 0; i < 200; i++) workloads.RawMlpStep();
            long before = Environment.WorkingSet;
            int gen2 = GC.CollectionCount(2);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 10_000; i++) workloads.RawMlpStep();
            figures.Add(new("10,000 MLP steps: wall time", clock.Elapsed.TotalSeconds, "s", ""));
            figures.Add(new("10,000 MLP steps: gen-2 collections", GC.CollectionCount(2) - gen2, "", "memory flat"));
            figures.Add(new("10,000 MLP steps: working set after - before", (Environment.WorkingSet - before) / 1e6, "MB", "about 0"));
        }
        return figures;
    }

    private static double MatMulGflops(int size, int threads)
    {
        var random = new NumpyRandom(5);
        float[] a = Tensor.Randn(random, size * size).ToArray<float>(), b = Tensor.Randn(random, size * size).ToArray<float>();
        var c = new float[size * size];
        double us = MedianMicroseconds(() => MatMulKernel.Multiply(a, size, 1, b, size, 1, c, size, size, size, maxThreads: threads), warmup: 3, runs: 15);
        // threads = 0: as many as Environment.ProcessorCount (DOTNET_PROCESSOR_COUNT limits it), as Tensor.MatMul uses
        return 2.0 * size * size * size / us / 1e3;
    }

    /// <summary>
    /// <see cref="Tensor.MatMul"/>'s speed on <paramref name="size"/>³ as a share of the kernel's on
    /// the same numbers (%), and the kernel's GFLOP/s. The two alternate, one call each, and the
    /// share is the median of the pairs' ratios: the VM runs in slow and fast phases that last
    /// hundreds of milliseconds, and two medians taken one after the other read 73 % and 241 % in
    /// one run (docs/performance.md, tenth session); a pair falls inside one phase.
    /// </summary>
    private static (double KernelGflops, double Share) TensorMatMulShare(int size)
    {
        var random = new NumpyRandom(5);
        Tensor a = Tensor.Randn(random, size, size), b = Tensor.Randn(random, size, size);
        float[] left = a.ToArray<float>(), right = b.ToArray<float>(), product = new float[size * size];
        Action kernel = () => MatMulKernel.Multiply(left, size, 1, right, size, 1, product, size, size, size, maxThreads: 0);
        Action tensor = () =>
        {
            using (Tensor.Scope()) a.MatMul(b);
        };
        int pairs = size <= 256 ? 301 : 31;
        (double kernelUs, double ratio) = PairedMedians(kernel, tensor, warmup: 3, pairs);
        return (2.0 * size * size * size / kernelUs / 1e3, 100 * ratio);
    }

    /// <summary>
    /// Times <paramref name="first"/> and <paramref name="second"/> alternately (each pair in
    /// turn starting with the other, after the same warm-up as <see cref="MedianMicroseconds(Action, int, int)"/>);
    /// returns the median time of <paramref name="first"/> and the median of the pairs' ratios
    /// first / second.
    /// </summary>
    private static (double FirstMicroseconds, double Ratio) PairedMedians(Action first, Action second, int warmup, int pairs)
    {
        var warming = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warming.ElapsedMilliseconds < WarmupMilliseconds; i++)
        {
            first();
            second();
        }
        var firstTimes = new double[pairs];
        var ratios = new double[pairs];
        var clock = new Stopwatch();
        for (int i = 0; i < pairs; i++)
        {
            double one = 0, two = 0;
            for (int turn = 0; turn < 2; turn++)
            {
                bool firstNow = (i + turn) % 2 == 0;
                clock.Restart();
                (firstNow ? first : second)();
                if (firstNow) one = clock.Elapsed.TotalMicroseconds;
                else two = clock.Elapsed.TotalMicroseconds;
            }
            firstTimes[i] = one;
            ratios[i] = one / two;
        }
        Array.Sort(firstTimes);
        Array.Sort(ratios);
        return (firstTimes[pairs / 2], ratios[pairs / 2]);
    }

    /// <summary>One Adam step over the 784-256-128-10 MLP's parameters with gradients in place (the update only, no forward or backward).</summary>
    private static Action AdamUpdate()
    {
        var random = new NumpyRandom(6);
        int[][] shapes = [[256, 784], [256], [128, 256], [128], [10, 128], [10]];
        Tensor[] parameters = [.. shapes.Select(shape =>
        {
            Tensor p = Tensor.Randn(random, shape) * 0.05;
            p.RequiresGrad = true;
            p.Grad = Tensor.Randn(random, shape) * 0.01;
            return p;
        })];
        var adam = new Optim.Adam(parameters, 1e-3);
        return adam.Step;
    }

    /// <summary>Bytes allocated (this thread) and minor page faults (whole process) per call of <paramref name="step"/>, after warming up.</summary>
    private static (double Bytes, double Faults) SteadyState(Func<double> step, int steps)
    {
        for (int i = 0; i < 20; i++) step();
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long faults = ProcessCounters.MinorFaults();
        for (int i = 0; i < steps; i++) step();
        return ((GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)steps, (ProcessCounters.MinorFaults() - faults) / (double)steps);
    }

    private static double OneElementMulMicroseconds(TensorWorkloads workloads)
    {
        const int batch = 10_000;
        return MedianMicroseconds(() =>
        {
            for (int i = 0; i < batch; i++) workloads.OneElementMul();
        }, warmup: 20, runs: 30) / batch;
    }

    /// <summary>
    /// The median wall time of <paramref name="runs"/> calls, after at least
    /// <paramref name="warmup"/> untimed ones and at least <see cref="WarmupMilliseconds"/> of them, so that the
    /// JIT's tiered compilation has replaced the first, unoptimised code.
    /// </summary>
    internal static double MedianMicroseconds(Action action, int warmup, int runs)
    {
        var warming = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warming.ElapsedMilliseconds < WarmupMilliseconds; i++) action();
        var times = new double[runs];
        var clock = new Stopwatch();
        for (int i = 0; i < runs; i++)
        {
            clock.Restart();
            action();
            times[i] = clock.Elapsed.TotalMicroseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    private static double MedianMicroseconds(Func<double> step, int warmup, int runs) => MedianMicroseconds(() => { step(); }, warmup, runs);
}
