using BenchmarkDotNet.Running;

namespace Backprop.Benchmarks;

/// <summary>
/// BenchmarkDotNet entry point: <c>dotnet run -c Release --project bench/Backprop.Benchmarks -- --filter '*'</c>.
/// </summary>
public static class Program
{
    /// <summary>Runs the suites chosen on the command line.</summary>
    /// <param name="args">BenchmarkDotNet's arguments (<c>--filter</c>, <c>--job</c>, …).</param>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
