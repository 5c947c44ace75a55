using Backprop.Data;

namespace Backprop.Tests.Data;

/// <summary><see cref="Dataset"/>: validation, splitting, subsets and shuffling.</summary>
public class DatasetTests
{
    /// <summary>Six examples of two features, row i holding (i, 10 i), labelled i % 3.</summary>
    private static Dataset Six() => new(
        Tensor.FromArray(Enumerable.Range(0, 6).SelectMany(i => new[] { (float)i, 10f * i }).ToArray(), 6, 2),
        Tensor.FromArray(Enumerable.Range(0, 6).Select(i => (long)(i % 3)).ToArray()));

    [Fact]
    public void ItDescribesItsShape()
    {
        Dataset data = Six();
        Assert.Equal(6, data.Count);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal(3, data.Classes);
        Assert.Equal([2, 2, 2], data.ClassCounts());
        Assert.Equal("Dataset: 6 examples x 2 features, 3 classes", data.ToString());
        Assert.False(data.Features.RequiresGrad);
    }

    [Fact]
    public void ClassesCanBeGivenForAbsentClasses()
    {
        var data = new Dataset(Tensor.Zeros(2, 3), Tensor.FromArray([1L, 1L]), classes: 10);
        Assert.Equal(10, data.Classes);
        Assert.Equal([0, 2, 0, 0, 0, 0, 0, 0, 0, 0], data.ClassCounts());
    }

    [Fact]
    public void BadTensorsAreRejectedByName()
    {
        var labels = Tensor.FromArray([0L, 1L]);
        var e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros(2), labels));
        Assert.Contains("features must be a float32 tensor of shape [N, D]; got Float32 [2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros([2, 2], DType.Float64), labels));
        Assert.Contains("got Float64 [2,2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros(2, 2), Tensor.Zeros(2)));
        Assert.Contains("labels must be an Int64 tensor of shape [N]; got Float32 [2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros(3, 2), labels));
        Assert.Contains("features have 3 rows ([3,2]) but there are 2 labels", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros(2, 2), Tensor.FromArray([0L, -1L])));
        Assert.Contains("label 1 is -1", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros(2, 2), Tensor.FromArray([0L, 5L]), classes: 5));
        Assert.Contains("label 5 is out of range for 5 classes (0 .. 4)", e.Message);
    }

    [Fact]
    public void SplitTakesTheFirstRowsForTrainingAndTheRestForTesting()
    {
        (Dataset train, Dataset test) = Six().Split(1.0 / 3);
        Assert.Equal([0f, 0f, 1f, 10f, 2f, 20f, 3f, 30f], train.Features.ToArray<float>());
        Assert.Equal([0L, 1L, 2L, 0L], train.Labels.ToArray<long>());
        Assert.Equal([4f, 40f, 5f, 50f], test.Features.ToArray<float>());
        Assert.Equal([1L, 2L], test.Labels.ToArray<long>());
        Assert.Equal(3, test.Classes);
    }

    [Fact]
    public void SplitRefusesFractionsThatLeaveAPartEmpty()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Six().Split(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Six().Split(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Six().Split(double.NaN));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Six().Split(0.01));
        Assert.Contains("leaves 6 for training and 0 for testing", e.Message);
    }

    [Fact]
    public void SubsetsCopyRows()
    {
        Dataset data = Six();
        Dataset range = data.Subset(2, 3);
        Assert.Equal([2f, 20f, 3f, 30f, 4f, 40f], range.Features.ToArray<float>());
        Assert.Equal(0, data.Subset(6, 0).Count);
        Dataset picked = data.Subset([5, 0, 5]);
        Assert.Equal([5f, 50f, 0f, 0f, 5f, 50f], picked.Features.ToArray<float>());
        Assert.Equal([2L, 0L, 2L], picked.Labels.ToArray<long>());
        Assert.Equal(3, picked.Classes);

        Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset(4, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset(-1, 1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([0, 6]));
        Assert.Contains("index 1 is 6, outside the 6 examples", e.Message);
    }

    [Fact]
    public void ShuffledIsASeededPermutationOfTheRows()
    {
        Dataset data = Six();
        Dataset a = data.Shuffled(3), b = data.Shuffled(3), c = data.Shuffled(4);
        Assert.Equal(a.Features.ToArray<float>(), b.Features.ToArray<float>());
        Assert.NotEqual(a.Features.ToArray<float>(), c.Features.ToArray<float>());
        float[] rows = a.Features.ToArray<float>();
        long[] labels = a.Labels.ToArray<long>();
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], rows.Where((_, i) => i % 2 == 0).Order());
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(10 * rows[2 * i], rows[2 * i + 1]);
            Assert.Equal((long)rows[2 * i] % 3, labels[i]);
        }
    }

    [Fact]
    public void ADatasetOfAViewCopiesItContiguously()
    {
        Tensor wide = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var data = new Dataset(wide.Transpose(0, 1), Tensor.FromArray([0L, 1L, 0L]));
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], data.Features.ToArray<float>());
        Assert.Equal([3f, 6f], data.Subset(2, 1).Features.ToArray<float>());
    }
}
