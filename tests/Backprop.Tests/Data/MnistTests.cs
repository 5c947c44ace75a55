using System.Diagnostics;
using Backprop.Data;

namespace Backprop.Tests.Data;

/// <summary>
/// <see cref="Mnist"/> on the 10,000 real digits of <c>data/mnist-10k</c>, and on
/// small or broken files made here.
/// </summary>
public sealed class MnistTests : IDisposable
{
    private static readonly int[] ExpectedClassCounts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [MnistFact]
    public void TheRealDigitsLoadWithTheirClassCountsAndPixelRange()
    {
        var clock = Stopwatch.StartNew();
        Dataset digits = Mnist.Load(MnistData.Images, MnistData.Labels);
        clock.Stop();

        Assert.Equal(10000, digits.Count);
        Assert.Equal(784, digits.FeatureCount);
        Assert.Equal(10, digits.Classes);
        Assert.Equal([10000, 784], digits.Features.Shape);
        Assert.Equal(DType.Float32, digits.Features.DType);
        Assert.Equal([10000], digits.Labels.Shape);
        Assert.Equal(DType.Int64, digits.Labels.DType);
        Assert.Equal(ExpectedClassCounts, digits.ClassCounts());

        float[] pixels = digits.Features.ToArray<float>();
        Assert.Equal(0f, pixels.Min());
        Assert.Equal(1f, pixels.Max());
        Assert.All(pixels, p => Assert.Equal(p, MathF.Round(p * 255f) / 255f));
        double mean = pixels.Average(p => (double)p);
        Assert.InRange(mean, 0.12, 0.14); // MNIST's well-known mean intensity is about 0.13
        Assert.True(clock.ElapsedMilliseconds < 5000, $"loading took {clock.ElapsedMilliseconds} ms");
    }

    [MnistFact]
    public void PlainAndCompressedFilesReadTheSame()
    {
        string images = _folder.Write("images-idx3-ubyte", TempFolder.Gunzip(MnistData.Images));
        string labels = _folder.Write("labels-idx1-ubyte", TempFolder.Gunzip(MnistData.Labels));
        Dataset compressed = Mnist.Load(MnistData.Images, MnistData.Labels);
        Dataset plain = Mnist.Load(images, labels);
        Assert.Equal(compressed.Features.ToArray<float>(), plain.Features.ToArray<float>());
        Assert.Equal(compressed.Labels.ToArray<long>(), plain.Labels.ToArray<long>());

        IdxArray raw = IdxArray.Read(MnistData.Images);
        Assert.Equal([10000, 28, 28], raw.Shape);
        Assert.Equal(raw.Data.Select(b => b / 255f), compressed.Features.ToArray<float>());
    }

    [MnistFact]
    public void LoadFolderFindsTheSinglePairOfTheSharedFolder()
    {
        (Dataset train, Dataset? test) = Mnist.LoadFolder(MnistData.Folder);
        Assert.Equal(10000, train.Count);
        Assert.Null(test);
    }

    [MnistFact]
    public void LoadFolderFindsTheStandardTrainingAndTestNames()
    {
        byte[] images = File.ReadAllBytes(MnistData.Images);
        byte[] labels = File.ReadAllBytes(MnistData.Labels);
        _folder.Write("train-images-idx3-ubyte.gz", images);
        _folder.Write("train-labels-idx1-ubyte.gz", labels);
        _folder.Write("t10k-images-idx3-ubyte", TempFolder.Gunzip(MnistData.Images));
        _folder.Write("t10k-labels.idx1-ubyte", TempFolder.Gunzip(MnistData.Labels));
        _folder.Write("README.md", [1, 2, 3]);
        (Dataset train, Dataset? test) = Mnist.LoadFolder(_folder.Path);
        Assert.Equal(10000, train.Count);
        Assert.NotNull(test);
        Assert.Equal(train.Labels.ToArray<long>(), test.Labels.ToArray<long>());
    }

    [MnistFact]
    public void TheDigitsSplitAndBatchQuickly()
    {
        Dataset digits = Mnist.Load(MnistData.Images, MnistData.Labels);
        (Dataset train, Dataset test) = digits.Split(0.2);
        Assert.Equal(8000, train.Count);
        Assert.Equal(2000, test.Count);
        Assert.Equal(10, test.Classes);

        var loader = new DataLoader(train, 64, shuffle: true, seed: 1);
        var fastest = TimeSpan.MaxValue;
        for (int epoch = 0; epoch < 5; epoch++)
        {
            var clock = Stopwatch.StartNew();
            int rows = 0;
            foreach (Batch batch in loader) rows += batch.Count;
            clock.Stop();
            Assert.Equal(8000, rows);
            if (clock.Elapsed < fastest) fastest = clock.Elapsed;
        }
        // An epoch copies 8000 x 784 floats (25 MB): a few ms; the bound only catches a pathologically slow path.
        Assert.True(fastest.TotalMilliseconds < 500, $"the fastest of 5 epochs took {fastest.TotalMilliseconds:F1} ms");
    }

    [Fact]
    public void SmallFilesLoadWithScaledPixelsAndLabelsBeyondNine()
    {
        string images = _folder.Write("i", TempFolder.Idx(0x803, [2, 2, 2], [0, 51, 102, 255, 1, 2, 3, 4]));
        string labels = _folder.Write("l.gz", TempFolder.Idx(0x801, [2], [3, 12]), gzip: true);
        Dataset data = Mnist.Load(images, labels);
        Assert.Equal([2, 4], data.Features.Shape);
        Assert.Equal([0f, 0.2f, 0.4f, 1f, 1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f], data.Features.ToArray<float>());
        Assert.Equal([3L, 12L], data.Labels.ToArray<long>());
        Assert.Equal(13, data.Classes);
    }

    [Fact]
    public void ImageAndLabelCountsMustMatch()
    {
        string images = _folder.Write("i", TempFolder.Idx(0x803, [3, 2, 2], new byte[12]));
        string labels = _folder.Write("l", TempFolder.Idx(0x801, [2], [1, 2]));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(images, labels));
        Assert.Contains("declares 3 images", e.Message);
        Assert.Contains("declares 2 labels", e.Message);
        Assert.Contains(images, e.Message);
        Assert.Contains(labels, e.Message);
    }

    [Fact]
    public void AHugeCountMismatchFailsBeforeReadingAnything()
    {
        string images = _folder.Write("i.gz", TempFolder.Idx(0x803, [int.MaxValue, 28, 28], new byte[784]), gzip: true);
        string labels = _folder.Write("l", TempFolder.Idx(0x801, [1], [1]));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(images, labels));
        Assert.Contains("2147483647 images but", e.Message);
    }

    [Fact]
    public void SwappedFilesAreNamedByTheirMagicNumbers()
    {
        string images = _folder.Write("i", TempFolder.Idx(0x803, [1, 1, 1], [9]));
        string labels = _folder.Write("l", TempFolder.Idx(0x801, [1], [1]));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(labels, images));
        Assert.StartsWith(images + ": wrong magic number 0x00000803 for MNIST labels: expected 0x00000801", e.Message);
        Assert.Contains("swapped", e.Message);

        string other = _folder.Write("o", TempFolder.Idx(0x802, [1, 1], [1]));
        e = Assert.Throws<InvalidDataException>(() => Mnist.Load(other, labels));
        Assert.StartsWith(other + ": wrong magic number 0x00000802 for MNIST images: expected 0x00000803", e.Message);
    }

    [Fact]
    public void ATruncatedImagesFileIsRefused()
    {
        string images = _folder.Write("i", TempFolder.Idx(0x803, [2, 28, 28], new byte[784 + 100]));
        string labels = _folder.Write("l", TempFolder.Idx(0x801, [2], [1, 2]));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(images, labels));
        Assert.Equal($"{images}: truncated: the header declares 2 x 28 x 28 = 1568 bytes of data but only 884 follow the header", e.Message);
    }

    [Fact]
    public void LoadFolderSaysWhatIsMissingOrAmbiguous()
    {
        Assert.Throws<DirectoryNotFoundException>(() => Mnist.LoadFolder(Path.Combine(_folder.Path, "absent")));

        var e = Assert.Throws<FileNotFoundException>(() => Mnist.LoadFolder(_folder.Path));
        Assert.Contains("no MNIST files in", e.Message);

        byte[] images = TempFolder.Idx(0x803, [1, 1, 1], [9]);
        byte[] labels = TempFolder.Idx(0x801, [1], [1]);
        _folder.Write("train-images-idx3-ubyte", images);
        e = Assert.Throws<FileNotFoundException>(() => Mnist.LoadFolder(_folder.Path));
        Assert.Contains("holds train-images-idx3-ubyte but not train-labels-idx1-ubyte[.gz]", e.Message);

        _folder.Write("train-labels-idx1-ubyte.gz", labels, gzip: true);
        _folder.Write("t10k-labels-idx1-ubyte", labels);
        e = Assert.Throws<FileNotFoundException>(() => Mnist.LoadFolder(_folder.Path));
        Assert.Contains("holds t10k-labels-idx1-ubyte but not t10k-images-idx3-ubyte[.gz]", e.Message);

        _folder.Write("t10k-images-idx3-ubyte", images);
        _folder.Write("t10k-images-idx3-ubyte.gz", images, gzip: true);
        var ambiguous = Assert.Throws<InvalidDataException>(() => Mnist.LoadFolder(_folder.Path));
        Assert.Contains("holds t10k-images-idx3-ubyte and t10k-images-idx3-ubyte.gz; keep one of them", ambiguous.Message);

        File.Delete(Path.Combine(_folder.Path, "t10k-images-idx3-ubyte.gz"));
        (Dataset train, Dataset? test) = Mnist.LoadFolder(_folder.Path);
        Assert.Equal(1, train.Count);
        Assert.Equal(1, test?.Count);
    }

    [Fact]
    public void LoadFolderWithoutTrainingNamesWantsExactlyOnePair()
    {
        byte[] images = TempFolder.Idx(0x803, [1, 1, 1], [9]);
        byte[] labels = TempFolder.Idx(0x801, [1], [1]);
        _folder.Write("digits-images-idx3-ubyte", images);
        var e = Assert.Throws<FileNotFoundException>(() => Mnist.LoadFolder(_folder.Path));
        Assert.Contains("holds digits-images-idx3-ubyte but no *labels-idx1-ubyte[.gz]", e.Message);

        _folder.Write("digits-labels-idx1-ubyte", labels);
        (Dataset train, Dataset? test) = Mnist.LoadFolder(_folder.Path);
        Assert.Equal(1, train.Count);
        Assert.Null(test);

        _folder.Write("letters-images-idx3-ubyte.gz", images, gzip: true);
        var ambiguous = Assert.Throws<InvalidDataException>(() => Mnist.LoadFolder(_folder.Path));
        Assert.Contains("several candidate files", ambiguous.Message);
        Assert.Contains("Mnist.Load", ambiguous.Message);
    }
}
