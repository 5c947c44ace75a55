namespace Backprop.Data;

/// <summary>One file of a <see cref="RemoteDataset"/>: its name on the mirrors, its size and its SHA-256.</summary>
/// <param name="Name">The file name, the same on every mirror and in the cache.</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="Sha256">Its SHA-256, 64 lowercase hexadecimal digits.</param>
public sealed record RemoteFile(string Name, long Size, string Sha256);

/// <summary>
/// A data set that <see cref="DataDownload"/> fetches: where its files are published (mirrors,
/// tried in order) and what each file must hash to.
/// </summary>
/// <param name="Name">The data set's name, also its folder in the cache (<c>mnist</c>).</param>
/// <param name="Mirrors">Base addresses, each ending in <c>/</c>; a file's address is the base plus its name. HTTPS only (plain HTTP is accepted for loopback addresses, for tests).</param>
/// <param name="Files">The files, with sizes and checksums.</param>
public sealed record RemoteDataset(string Name, IReadOnlyList<Uri> Mirrors, IReadOnlyList<RemoteFile> Files)
{
    /// <summary>
    /// MNIST's 70,000 digits (60,000 to train, 10,000 to test) as the four gzip files LeCun
    /// published; the mirrors are the ones torchvision and TensorFlow Datasets download from,
    /// and the checksums are TensorFlow Datasets'.
    /// </summary>
    public static RemoteDataset Mnist { get; } = new("mnist",
        [new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"), new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/")],
        [
            new("train-images-idx3-ubyte.gz", 9_912_422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
            new("train-labels-idx1-ubyte.gz", 28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
            new("t10k-images-idx3-ubyte.gz", 1_648_877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
            new("t10k-labels-idx1-ubyte.gz", 4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
        ]);

    /// <summary>
    /// Zalando's Fashion-MNIST (70,000 clothing images in MNIST's layout and split) from its
    /// authors' bucket; the checksums are TensorFlow Datasets'.
    /// </summary>
    public static RemoteDataset FashionMnist { get; } = new("fashion-mnist",
        [new Uri("https://fashion-mnist.s3.eu-central-1.amazonaws.com/")],
        [
            new("train-images-idx3-ubyte.gz", 26_421_880, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            new("train-labels-idx1-ubyte.gz", 29_515, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            new("t10k-images-idx3-ubyte.gz", 4_422_102, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
            new("t10k-labels-idx1-ubyte.gz", 5_148, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
        ]);

    /// <summary>The total size of the files in bytes.</summary>
    public long TotalSize => Files.Sum(f => f.Size);
}
