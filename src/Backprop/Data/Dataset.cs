using Backprop.Random;

namespace Backprop.Data;

/// <summary>
/// A labelled data set for classification: <see cref="Features"/>, one row of
/// <see cref="FeatureCount"/> float32 values per example, and <see cref="Labels"/>, one Int64
/// class index per example in 0 .. <see cref="Classes"/> - 1.
/// </summary>
/// <remarks>
/// <para>
/// Every generator in <c>Backprop.Data</c> (<see cref="TwoMoons"/>, <see cref="Circles"/>,
/// <see cref="Spirals"/>, <see cref="Blobs"/>) and the <see cref="Mnist"/> loader return one.
/// <see cref="Split"/>, <see cref="Subset(int, int)"/> and <see cref="Shuffled"/> make new data
/// sets with copies of the rows; <see cref="DataLoader"/> cuts one into batches.
/// </para>
/// <para>
/// The tensors are leaves that do not require grad. A data set made from tensors shares their
/// storage (when they are contiguous): changing them afterwards changes the data set.
/// </para>
/// </remarks>
public sealed class Dataset
{
    /// <summary>
    /// A data set of the rows of <paramref name="features"/> labelled by <paramref name="labels"/>.
    /// </summary>
    /// <param name="features">A float32 tensor of shape [N, D].</param>
    /// <param name="labels">An Int64 tensor of shape [N], each a class index in 0 .. classes - 1.</param>
    /// <param name="classes">
    /// The number of classes; omitted, the largest label plus one (0 for an empty data set).
    /// Give it when some classes may be absent, as in a small subset.
    /// </param>
    /// <exception cref="ArgumentException">
    /// A tensor has the wrong rank or element type, the row counts differ, or a label lies
    /// outside 0 .. classes - 1.
    /// </exception>
    public Dataset(Tensor features, Tensor labels, int? classes = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Rank != 2 || features.DType != DType.Float32)
            throw new ArgumentException($"Dataset: features must be a float32 tensor of shape [N, D]; got {features.DType} {ShapeMath.Format(features.ShapeArray)}", nameof(features));
        if (labels.Rank != 1 || labels.DType != DType.Int64)
            throw new ArgumentException($"Dataset: labels must be an Int64 tensor of shape [N]; got {labels.DType} {ShapeMath.Format(labels.ShapeArray)}", nameof(labels));
        if (features.Shape[0] != labels.Shape[0])
            throw new ArgumentException($"Dataset: features have {features.Shape[0]} rows ({ShapeMath.Format(features.ShapeArray)}) but there are {labels.Shape[0]} labels", nameof(labels));

        Features = features.Detach().Contiguous();
        Labels = labels.Detach().Contiguous();
        Count = features.Shape[0];
        FeatureCount = features.Shape[1];

        ReadOnlySpan<long> values = Labels.Span<long>();
        long largest = -1;
        for (int i = 0; i < values.Length; i++)
        {
            long label = values[i];
            if (label < 0)
                throw new ArgumentException($"Dataset: label {i} is {label}; class indices must be >= 0", nameof(labels));
            if (label > largest) largest = label;
        }
        if (classes is int given)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(given, nameof(classes));
            if (largest >= given)
                throw new ArgumentException($"Dataset: label {largest} is out of range for {given} classes (0 .. {given - 1})", nameof(labels));
            Classes = given;
        }
        else
        {
            if (largest >= int.MaxValue)
                throw new ArgumentException($"Dataset: label {largest} is too large to be a class index", nameof(labels));
            Classes = (int)(largest + 1);
        }
    }

    /// <summary>The examples: a float32 tensor of shape [<see cref="Count"/>, <see cref="FeatureCount"/>].</summary>
    public Tensor Features { get; }

    /// <summary>The class of each example: an Int64 tensor of shape [<see cref="Count"/>].</summary>
    public Tensor Labels { get; }

    /// <summary>The number of examples (rows).</summary>
    public int Count { get; }

    /// <summary>The number of features of each example (columns).</summary>
    public int FeatureCount { get; }

    /// <summary>The number of classes: every label lies in 0 .. Classes - 1 (some may have no examples).</summary>
    public int Classes { get; }

    /// <summary>How many examples each class has, indexed by class (length <see cref="Classes"/>).</summary>
    public int[] ClassCounts()
    {
        var counts = new int[Classes];
        foreach (long label in Labels.Span<long>()) counts[label]++;
        return counts;
    }

    /// <summary>
    /// Splits the data set in two without shuffling: the first examples form the training set,
    /// the last <c>round(testFraction × Count)</c> the test set. Shuffle first (the generators
    /// mostly do, <see cref="Shuffled"/> does) when the order is not already random.
    /// </summary>
    /// <param name="testFraction">The fraction of examples for the test set, strictly between 0 and 1.</param>
    /// <returns>The two parts, as copies; both keep this data set's <see cref="Classes"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="testFraction"/> is not strictly between 0 and 1, or leaves one part empty.
    /// </exception>
    public (Dataset Train, Dataset Test) Split(double testFraction)
    {
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "Split: the test fraction must lie strictly between 0 and 1.");
        int test = (int)Math.Round(testFraction * Count, MidpointRounding.AwayFromZero);
        int train = Count - test;
        if (test == 0 || train == 0)
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, $"Split: a test fraction of {testFraction} of {Count} examples leaves {train} for training and {test} for testing; both must be non-empty.");
        return (Subset(0, train), Subset(train, test));
    }

    /// <summary>The examples <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> - 1, as a copy.</summary>
    /// <param name="start">The first example.</param>
    /// <param name="count">How many examples; zero gives an empty data set.</param>
    /// <returns>A data set with this one's <see cref="Classes"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within 0 .. <see cref="Count"/>.</exception>
    public Dataset Subset(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Subset: examples {start} .. {start + (long)count - 1} do not lie within the {Count} examples of the data set");
        float[] features = Features.Span<float>().Slice(start * FeatureCount, count * FeatureCount).ToArray();
        long[] labels = Labels.Span<long>().Slice(start, count).ToArray();
        return new Dataset(Tensor.Wrap(features, [count, FeatureCount]), Tensor.Wrap(labels, [count]), Classes);
    }

    /// <summary>The examples at <paramref name="indices"/>, in that order, as a copy (an index may repeat).</summary>
    /// <param name="indices">Example indices in 0 .. <see cref="Count"/> - 1.</param>
    /// <returns>A data set with this one's <see cref="Classes"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside 0 .. <see cref="Count"/> - 1.</exception>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Subset: index {i} is {indices[i]}, outside the {Count} examples of the data set");
        }
        var features = GC.AllocateUninitializedArray<float>(indices.Length * FeatureCount);
        var labels = new long[indices.Length];
        GatherRows(indices, features, labels);
        return new Dataset(Tensor.Wrap(features, [indices.Length, FeatureCount]), Tensor.Wrap(labels, [indices.Length]), Classes);
    }

    /// <summary>
    /// The examples in a random order: the permutation is numpy's
    /// <c>RandomState(seed).permutation(Count)</c>, drawn with <see cref="NumpyRandom"/>.
    /// </summary>
    /// <param name="seed">The seed of the permutation.</param>
    /// <returns>A shuffled copy with this one's <see cref="Classes"/>.</returns>
    public Dataset Shuffled(uint seed) => Subset(Permutation(new NumpyRandom(seed), Count));

    /// <summary>A short description: the number of examples, features and classes.</summary>
    public override string ToString() => $"Dataset: {Count} examples x {FeatureCount} features, {Classes} classes";

    /// <summary>
    /// Copies the rows at <paramref name="indices"/> (already checked) into
    /// <paramref name="features"/> and their labels into <paramref name="labels"/>.
    /// </summary>
    internal void GatherRows(ReadOnlySpan<int> indices, Span<float> features, Span<long> labels)
    {
        ReadOnlySpan<float> source = Features.Span<float>();
        ReadOnlySpan<long> sourceLabels = Labels.Span<long>();
        int width = FeatureCount;
        for (int i = 0; i < indices.Length; i++)
        {
            int row = indices[i];
            ReadOnlySpan<float> from = source.Slice(row * width, width);
            Span<float> to = features.Slice(i * width, width);
            // A short row (TF Playground's 7 features) is copied element by element: a call
            // to the block copy costs more than the copy.
            if (width <= 16) for (int j = 0; j < from.Length; j++) to[j] = from[j];
            else from.CopyTo(to);
            labels[i] = sourceLabels[row];
        }
    }

    /// <summary>0 .. n - 1 shuffled by <paramref name="random"/>, as numpy's <c>permutation(n)</c>.</summary>
    internal static int[] Permutation(NumpyRandom random, int n)
    {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        random.Shuffle<int>(order);
        return order;
    }

    /// <summary>A data set of 2-D points from a generator: features as float32, labels as Int64.</summary>
    internal static Dataset FromPoints(double[][] points, int[] labels, int width, int classes)
    {
        int n = points.Length;
        var features = new float[n * width];
        var classIndices = new long[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < width; j++) features[i * width + j] = (float)points[i][j];
            classIndices[i] = labels[i];
        }
        return new Dataset(Tensor.Wrap(features, [n, width]), Tensor.Wrap(classIndices, [n]), classes);
    }
}
