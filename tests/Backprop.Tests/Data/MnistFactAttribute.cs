using Backprop.Tests.Support;

namespace Backprop.Tests.Data;

/// <summary>
/// The 10,000 real MNIST digits the repository ships in <c>data/mnist-10k</c> (gzip-compressed
/// IDX files). Tests that need them use <see cref="MnistFactAttribute"/>.
/// </summary>
public static class MnistData
{
    /// <summary>The folder, whether or not it exists.</summary>
    public static string Folder => Path.GetFullPath(Path.Combine(Reference.RepositoryRoot, "data", "mnist-10k"));

    /// <summary>The images file.</summary>
    public static string Images => Path.Combine(Folder, "images-idx3-ubyte.gz");

    /// <summary>The labels file.</summary>
    public static string Labels => Path.Combine(Folder, "labels-idx1-ubyte.gz");

    /// <summary>Whether both files are there.</summary>
    public static bool Available => File.Exists(Images) && File.Exists(Labels);

    /// <summary>Why MNIST tests are skipped.</summary>
    public static string SkipReason => $"MNIST digits not found: {Images} and {Labels} are absent (the repository ships them in data/mnist-10k: is the checkout incomplete?)";
}

/// <summary>A fact that needs <see cref="MnistData"/>: skipped, with the reason, where the digits are absent.</summary>
public sealed class MnistFactAttribute : FactAttribute
{
    /// <summary>Marks the test as skipped when the MNIST files are missing.</summary>
    public MnistFactAttribute()
    {
        if (!MnistData.Available) Skip = MnistData.SkipReason;
    }
}
