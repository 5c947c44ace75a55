namespace Backprop.Data;

/// <summary>
/// Loads MNIST-format digits (and other data sets in the same IDX layout, such as
/// Fashion-MNIST) into a <see cref="Dataset"/>: each image a row of pixels scaled to [0, 1],
/// each label an Int64 class index.
/// </summary>
public static partial class Mnist
{
    /// <summary>The magic number of an MNIST images file: unsigned bytes, 3 dimensions [N, rows, columns].</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of an MNIST labels file: unsigned bytes, 1 dimension [N].</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>The default limit on the pixel bytes a file may declare: 256 MiB (MNIST's 60,000 training images take 47 MB).</summary>
    public const long DefaultMaxBytes = IdxFile.DefaultMaxBytes;

    /// <summary>
    /// Reads an images file and its labels file (each plain or gzip-compressed) into a data set.
    /// </summary>
    /// <remarks>
    /// Both headers are read and checked first (magic numbers, equal counts), so a wrong pair of
    /// files fails before any pixel is read; sizes are checked against the data actually there,
    /// as <see cref="IdxArray.Read"/> does. Pixel <c>b</c> becomes <c>b / 255f</c>, as
    /// torchvision's <c>ToTensor</c> makes it.
    /// </remarks>
    /// <param name="imagesPath">The images file, e.g. <c>train-images-idx3-ubyte.gz</c>.</param>
    /// <param name="labelsPath">The labels file, e.g. <c>train-labels-idx1-ubyte.gz</c>.</param>
    /// <param name="maxBytes">
    /// The most pixel bytes the images header may declare (default <see cref="DefaultMaxBytes"/>,
    /// 256 MiB; the features take four times as much as float32). A header that declares more is
    /// refused before anything is decompressed; raise the limit for a data set that really is larger.
    /// </param>
    /// <returns>
    /// Features [N, rows × columns] (float32 in [0, 1], row-major pixels) and labels [N]
    /// (Int64); <see cref="Dataset.Classes"/> is 10, or the largest label plus one when larger.
    /// </returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">
    /// A wrong magic number, a truncated or over-long file, corrupt gzip, images of no pixels,
    /// or image and label counts that differ; the message names the file and the problem.
    /// </exception>
    public static Dataset Load(string imagesPath, string labelsPath, long maxBytes = DefaultMaxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        using IdxFile labels = IdxFile.Open(labelsPath);
        CheckMagic(labels, LabelsMagic, "labels");
        using IdxFile images = IdxFile.Open(imagesPath);
        CheckMagic(images, ImagesMagic, "images");

        long count = images.Dimensions[0];
        if (count != labels.Dimensions[0])
            throw new InvalidDataException($"MNIST: {imagesPath} declares {count} images but {labelsPath} declares {labels.Dimensions[0]} labels; the counts must match");
        (long rows, long columns) = (images.Dimensions[1], images.Dimensions[2]);
        if (rows == 0 || columns == 0)
            throw images.Problem($"images of {rows} x {columns} pixels hold nothing");

        byte[] labelBytes = labels.ReadData(maxBytes);
        byte[] pixels = images.ReadData(maxBytes);
        int n = labelBytes.Length;
        // Both dimensions are below 2^31 once the data is read; their product may still not be.
        if (rows * columns > Array.MaxLength)
            throw images.Problem($"images of {rows} x {columns} pixels are too large for one array");
        int width = (int)(rows * columns);

        float[] scale = new float[256];
        for (int b = 0; b < scale.Length; b++) scale[b] = b / 255f;
        float[] features = GC.AllocateUninitializedArray<float>(pixels.Length);
        for (int i = 0; i < pixels.Length; i++) features[i] = scale[pixels[i]];

        long[] classes = new long[n];
        int largest = -1;
        for (int i = 0; i < n; i++)
        {
            classes[i] = labelBytes[i];
            largest = Math.Max(largest, labelBytes[i]);
        }
        return new Dataset(Tensor.Wrap(features, [n, width]), Tensor.Wrap(classes, [n]), Math.Max(10, largest + 1));
    }

    /// <summary>
    /// Loads the MNIST files in a folder, finding them by their standard names, each plain or
    /// with <c>.gz</c> (and <c>.idx3-ubyte</c> accepted for <c>-idx3-ubyte</c>, as some copies
    /// spell it).
    /// </summary>
    /// <remarks>
    /// With <c>train-images-idx3-ubyte</c> and <c>train-labels-idx1-ubyte</c> present, they are
    /// the training set, and <c>t10k-images-idx3-ubyte</c> with <c>t10k-labels-idx1-ubyte</c>, when
    /// present, the test set. Otherwise the folder must hold exactly one
    /// <c>*images-idx3-ubyte</c> and one <c>*labels-idx1-ubyte</c> file, loaded as the training
    /// set with no test set.
    /// </remarks>
    /// <param name="directory">The folder.</param>
    /// <param name="maxBytes">The most pixel bytes each images file may declare (see <see cref="Load"/>).</param>
    /// <returns>The training set, and the test set or <see langword="null"/> when there is none.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">No MNIST files, or one file of a pair without the other.</exception>
    /// <exception cref="InvalidDataException">
    /// Several candidate files where one is wanted (such as a plain and a compressed copy), or
    /// any problem <see cref="Load"/> reports.
    /// </exception>
    public static (Dataset Train, Dataset? Test) LoadFolder(string directory, long maxBytes = DefaultMaxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"MNIST: the folder {directory} does not exist");

        var found = new List<(string Path, string Prefix, bool Images)>();
        foreach (string path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            if (Classify(System.IO.Path.GetFileName(path)) is (string prefix, bool images)) found.Add((path, prefix, images));
        }

        string? trainImages = Find(directory, found, "train-", images: true);
        string? trainLabels = Find(directory, found, "train-", images: false);
        if (trainImages is not null || trainLabels is not null)
        {
            Dataset train = LoadPair(directory, "train-", trainImages, trainLabels, maxBytes);
            string? testImages = Find(directory, found, "t10k-", images: true);
            string? testLabels = Find(directory, found, "t10k-", images: false);
            Dataset? test = testImages is null && testLabels is null ? null : LoadPair(directory, "t10k-", testImages, testLabels, maxBytes);
            return (train, test);
        }

        string[] allImages = found.Where(f => f.Images).Select(f => f.Path).ToArray();
        string[] allLabels = found.Where(f => !f.Images).Select(f => f.Path).ToArray();
        if (allImages.Length == 0 && allLabels.Length == 0)
            throw new FileNotFoundException($"MNIST: no MNIST files in {directory}: expected train-images-idx3-ubyte and train-labels-idx1-ubyte (optionally with t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte), or one *images-idx3-ubyte with one *labels-idx1-ubyte, each plain or .gz");
        if (allImages.Length == 0 || allLabels.Length == 0)
        {
            string missing = allImages.Length == 0 ? "*images-idx3-ubyte[.gz]" : "*labels-idx1-ubyte[.gz]";
            string present = string.Join(", ", allImages.Concat(allLabels).Select(System.IO.Path.GetFileName));
            throw new FileNotFoundException($"MNIST: {directory} holds {present} but no {missing} to go with it");
        }
        if (allImages.Length > 1 || allLabels.Length > 1)
            throw new InvalidDataException($"MNIST: {directory} holds several candidate files ({string.Join(", ", allImages.Concat(allLabels).Select(System.IO.Path.GetFileName))}) and none named train-*; pass the two files to Mnist.Load instead");
        return (Load(allImages[0], allLabels[0], maxBytes), null);
    }

    private static void CheckMagic(IdxFile file, int expected, string what)
    {
        if (file.Magic == expected) return;
        string hint = file.Magic == (expected == ImagesMagic ? LabelsMagic : ImagesMagic)
            ? $"; this looks like a {(what == "images" ? "labels" : "images")} file: are the two paths swapped?"
            : "";
        throw file.Problem($"wrong magic number 0x{file.Magic:X8} for MNIST {what}: expected 0x{expected:X8} (unsigned bytes, {(expected == ImagesMagic ? "3 dimensions" : "1 dimension")}){hint}");
    }

    /// <summary>The prefix before "images"/"labels" of an MNIST-style file name, and which kind it is; null for other names.</summary>
    private static (string Prefix, bool Images)? Classify(string name)
    {
        string stem = name.EndsWith(".gz", StringComparison.Ordinal) ? name[..^3] : name;
        foreach ((string suffix, bool images) in new[] { ("images-idx3-ubyte", true), ("images.idx3-ubyte", true), ("labels-idx1-ubyte", false), ("labels.idx1-ubyte", false) })
        {
            if (stem.EndsWith(suffix, StringComparison.Ordinal)) return (stem[..^suffix.Length], images);
        }
        return null;
    }

    private static string? Find(string directory, List<(string Path, string Prefix, bool Images)> found, string prefix, bool images)
    {
        string[] matches = found.Where(f => f.Prefix == prefix && f.Images == images).Select(f => f.Path).ToArray();
        if (matches.Length > 1)
            throw new InvalidDataException($"MNIST: {directory} holds {string.Join(" and ", matches.Select(System.IO.Path.GetFileName))}; keep one of them");
        return matches.Length == 1 ? matches[0] : null;
    }

    private static Dataset LoadPair(string directory, string prefix, string? images, string? labels, long maxBytes)
    {
        if (images is null || labels is null)
        {
            string present = System.IO.Path.GetFileName(images ?? labels)!;
            string missing = images is null ? $"{prefix}images-idx3-ubyte[.gz]" : $"{prefix}labels-idx1-ubyte[.gz]";
            throw new FileNotFoundException($"MNIST: {directory} holds {present} but not {missing}", System.IO.Path.Combine(directory, missing));
        }
        return Load(images, labels, maxBytes);
    }
}
