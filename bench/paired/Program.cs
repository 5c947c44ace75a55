using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

// Two builds of Backprop in one process, each in its own AssemblyLoadContext, timed in turn on
// TF Playground's training workload (bench/paired/run.sh builds them). This machine runs code at
// two speeds in phases of a fraction of a second (docs/performance.md, playground, eighth
// session): runs of one build after the other, even alternated, compare phases as often as
// code. Here each pair of 40-epoch runs lasts about 20 ms, well inside one phase, so the ratio
// of a pair is the code's, and the median of many pairs is steady to about a percent.
// Usage: Paired DIR_A DIR_B [PAIRS]   (each DIR holds a build of bench/paired/Workload)
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Paired DIR_A DIR_B [PAIRS]");
    return 2;
}
int pairs = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 300;
var runs = new Func<int, double>[2];
for (int k = 0; k < 2; k++)
{
    string main = Path.GetFullPath(Path.Combine(args[k], "PairedWorkload.dll"));
    var context = new BuildContext(main);
    Type workload = context.LoadFromAssemblyPath(main).GetType("PairedWorkload")!;
    workload.GetMethod("Setup")!.Invoke(null, null);
    runs[k] = workload.GetMethod("Epochs")!.CreateDelegate<Func<int, double>>();
}

// Warm-up: both builds reach their optimised code.
var warm = Stopwatch.StartNew();
while (warm.Elapsed.TotalSeconds < 3)
{
    runs[0](10);
    runs[1](10);
}

const int Epochs = 40;
var a = new double[pairs];
var b = new double[pairs];
var ratios = new double[pairs];
for (int i = 0; i < pairs; i++)
{
    // Alternate which build goes first, so that neither always follows the other's garbage.
    if (i % 2 == 0)
    {
        a[i] = runs[0](Epochs);
        b[i] = runs[1](Epochs);
    }
    else
    {
        b[i] = runs[1](Epochs);
        a[i] = runs[0](Epochs);
    }
    ratios[i] = b[i] / a[i];
}
static double Quantile(double[] values, double q)
{
    double[] sorted = [.. values.Order()];
    return sorted[(int)(q * (sorted.Length - 1))];
}
Console.WriteLine($"A: epoch median {Quantile(a, 0.5) * 1e6 / Epochs:F1} us, min {a.Min() * 1e6 / Epochs:F1} us");
Console.WriteLine($"B: epoch median {Quantile(b, 0.5) * 1e6 / Epochs:F1} us, min {b.Min() * 1e6 / Epochs:F1} us");
Console.WriteLine($"B/A: median of {pairs} paired ratios {Quantile(ratios, 0.5):F4} (quartiles {Quantile(ratios, 0.25):F4} .. {Quantile(ratios, 0.75):F4})");
return 0;

/// <summary>Loads one build's assemblies (Backprop.Core and what it needs) apart from the other's.</summary>
internal sealed class BuildContext(string main) : AssemblyLoadContext(isCollectible: false)
{
    private readonly AssemblyDependencyResolver _resolver = new(main);

    protected override Assembly? Load(AssemblyName name) =>
        _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
}
