using Backprop.Cli.Commands;
using Backprop.Data;

namespace Backprop.Cli.Training;

/// <summary>A data set chosen on the command line, split into training and (optionally) test examples.</summary>
/// <param name="Name">What was loaded, for messages and the metadata.</param>
/// <param name="Train">The training examples.</param>
/// <param name="Test">The test examples, or null when there are none.</param>
public sealed record DataSource(string Name, Dataset Train, Dataset? Test)
{
    /// <summary>Whether the points are 2-D (so a decision boundary can be drawn).</summary>
    public bool IsPlanar => Train.FeatureCount == 2;

    /// <summary>
    /// Where the 10,000 MNIST digits shipped with the command live (data/mnist-10k beside the
    /// executable: the build copies them there from the repository's data folder).
    /// </summary>
    public static string ShippedMnistFolder => Path.Combine(AppContext.BaseDirectory, "data", "mnist-10k");

    /// <summary>The data's kind without its folder ("moons", "mnist"), for folder names.</summary>
    public string ShortName => Name.StartsWith("mnist:", StringComparison.Ordinal) ? "mnist" : Name;

    /// <summary>
    /// Loads <paramref name="spec"/>: <c>moons</c> (100 points, micrograd's demo), <c>circles</c>
    /// (200), <c>spirals</c> (3 arms of 100), <c>blobs</c> (300 points around 3 centres), or
    /// <c>mnist</c> (the 10,000 digits shipped with the command), <c>mnist-full</c> or
    /// <c>fashion-mnist</c> (70,000 images each, downloaded once), or <c>mnist:DIR</c> (standard
    /// train/t10k files, or one images/labels pair split by <paramref name="testFraction"/>).
    /// Generated sets use <paramref name="seed"/>.
    /// </summary>
    /// <param name="spec">The <c>--data</c> value.</param>
    /// <param name="testFraction">The share held out for testing; null for the source's default (0.2 for one MNIST pair, 0 for generated sets).</param>
    /// <param name="seed">Seed of generated data.</param>
    /// <param name="maxMegabytes">The most MiB of pixels an MNIST images file may declare (<c>--max-data-mb</c>).</param>
    /// <param name="console">Where a download's progress goes (<c>mnist-full</c>, <c>fashion-mnist</c>: fetched into the user's cache on first use); null for the process's console.</param>
    /// <exception cref="UsageException">An unknown name, a bad fraction or a missing folder.</exception>
    /// <exception cref="CommandFailedException">A data set to download could not be fetched.</exception>
    public static DataSource Load(string spec, double? testFraction, uint seed, int maxMegabytes = (int)(Mnist.DefaultMaxBytes >> 20), Spectre.Console.IAnsiConsole? console = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(spec);
        if (testFraction is < 0 or >= 1 || testFraction is double f && !double.IsFinite(f))
            throw new UsageException($"--test-fraction must be in [0, 1), got {testFraction}");
        if (spec.Equals("mnist", StringComparison.OrdinalIgnoreCase))
        {
            if (!Directory.Exists(ShippedMnistFolder))
                throw new CommandFailedException($"--data mnist: the shipped digits are missing from {ShippedMnistFolder} (a broken install?); name a folder with mnist:DIR");
            return Load("mnist:" + ShippedMnistFolder, testFraction, seed, maxMegabytes) with { Name = "mnist" };
        }
        if (DownloadedData.Find(spec) is RemoteDataset remote)
        {
            string folder = DownloadedData.Fetch(remote, console ?? Spectre.Console.AnsiConsole.Console);
            return Load("mnist:" + folder, testFraction, seed, maxMegabytes) with { Name = spec.ToLowerInvariant() };
        }
        if (spec.StartsWith("mnist:", StringComparison.OrdinalIgnoreCase))
        {
            string dir = spec["mnist:".Length..];
            if (!Directory.Exists(dir))
            {
                throw new UsageException(File.Exists(dir)
                    ? $"--data mnist:DIR: '{ConsoleText.Printable(dir)}' is a file, not a folder"
                    : $"--data mnist:DIR: folder '{ConsoleText.Printable(dir)}' does not exist");
            }
            (Dataset train, Dataset? test) = Mnist.LoadFolder(dir, (long)maxMegabytes << 20);
            if (test is null && (testFraction ?? 0.2) > 0) (train, test) = train.Split(testFraction ?? 0.2);
            return new DataSource($"mnist:{dir}", train, test);
        }
        Dataset all = spec.ToLowerInvariant() switch
        {
            "moons" => TwoMoons.Create(100, 0.1, seed),
            "circles" => Circles.Create(200, 0.1, seed),
            "spirals" => Spirals.Create(100, 3, 0.2, seed),
            "blobs" => Blobs.Create(300, 3, 2, 1.0, seed),
            _ => throw new UsageException($"--data: unknown data set '{ConsoleText.Printable(spec, 60)}' (expected moons, circles, spirals, blobs, mnist, mnist-full, fashion-mnist or mnist:DIR)"),
        };
        if ((testFraction ?? 0) == 0) return new DataSource(spec.ToLowerInvariant(), all, null);
        (Dataset trainPart, Dataset testPart) = all.Split(testFraction!.Value);
        return new DataSource(spec.ToLowerInvariant(), trainPart, testPart);
    }
}
