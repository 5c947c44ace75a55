using System.Diagnostics;

namespace Backprop.Cli.Bench;

/// <summary>Figures of the scalar engine's two workloads, measured in this process.</summary>
/// <param name="ChainSteps">Steps of the chain workload.</param>
/// <param name="ChainMilliseconds">Wall time of the chain's forward and backward pass.</param>
/// <param name="ChainPeakMegabytes">The process's peak resident memory after the chain (MB, 10^6 bytes).</param>
/// <param name="ChainGradientOk">Whether the chain's input gradient equals 1.0001^steps (to 1e-9 relative).</param>
/// <param name="StepMilliseconds">Median wall time of one micrograd-demo training step.</param>
/// <param name="MeanStepMilliseconds">Mean wall time of one training step.</param>
/// <param name="NodesPerStep">Nodes one training step builds.</param>
/// <param name="FinalAccuracy">Training accuracy after the last step.</param>
/// <param name="Steps">Training steps timed.</param>
public sealed record ScalarFigures(
    int ChainSteps, double ChainMilliseconds, double ChainPeakMegabytes, bool ChainGradientOk,
    double StepMilliseconds, double MeanStepMilliseconds, int NodesPerStep, double FinalAccuracy, int Steps)
{
    /// <summary>Nanoseconds per node of a training step (median step time / nodes).</summary>
    public double NanosecondsPerNode => StepMilliseconds * 1e6 / NodesPerStep;
}

/// <summary>Measures the scalar engine (<c>backprop bench scalar</c>).</summary>
public static class ScalarBenchmark
{
    /// <summary>
    /// Runs the million-step chain first (so that the peak memory is the chain's), then trains
    /// micrograd's demo once to warm the JIT and once more, timing every step.
    /// </summary>
    /// <param name="chainSteps">Steps of the chain.</param>
    /// <param name="seed">Seed of the demo's data and weights.</param>
    public static ScalarFigures Measure(int chainSteps = 1_000_000, uint seed = 1337)
    {
        // JIT the chain's code before timing it. The loop runs unoptimised until on-stack
        // replacement compiles it, after some thousands of iterations: a 1,000-step warm-up left
        // that compilation (about 4 ms) inside the timed run.
        ScalarChain.Run(20_000);
        var clock = Stopwatch.StartNew();
        Value input = ScalarChain.Run(chainSteps);
        double chainMs = clock.Elapsed.TotalMilliseconds;
        double peakMb = PeakResidentBytes() / 1e6;
        double expected = Math.Pow(1.0001, chainSteps);
        bool gradientOk = Math.Abs(input.Grad - expected) <= 1e-9 * expected;
        input = null!;
        GC.Collect();

        Train(new MicrogradDemo(seed), new double[MicrogradDemo.Steps]); // warms the JIT
        var demo = new MicrogradDemo(seed);
        int nodes = ValueGraph.Nodes(demo.Loss().Loss).Count;
        var times = new double[MicrogradDemo.Steps];
        double accuracy = Train(demo, times);
        Array.Sort(times);
        double median = (times[times.Length / 2] + times[(times.Length - 1) / 2]) / 2;
        return new ScalarFigures(chainSteps, chainMs, peakMb, gradientOk, median, times.Average(), nodes, accuracy, times.Length);
    }

    /// <summary>Trains for the demo's 100 steps, writing each step's milliseconds into <paramref name="times"/>; returns the accuracy after the last update.</summary>
    private static double Train(MicrogradDemo demo, double[] times)
    {
        var clock = new Stopwatch();
        for (int i = 0; i < times.Length; i++)
        {
            clock.Restart();
            demo.Step();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        return demo.Loss().Accuracy;
    }

    /// <summary>The process's peak resident set (VmHWM on Linux; peak working set elsewhere).</summary>
    private static long PeakResidentBytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (string line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0]) * 1024;
            }
        }
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
