namespace Backprop.Tests.Tensors;

/// <summary>A class label the model has no output for is named, with the number of classes, by every op that reads labels.</summary>
public sealed class LabelErrorTests
{
    private static readonly Tensor Logits = Tensor.Zeros(3, 2);

    [Fact]
    public void CrossEntropyNamesTheLabelItsExampleAndTheClasses()
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => Losses.CrossEntropy(Logits, Tensor.FromArray(new long[] { 0, 1, 7 })));
        Assert.Equal("CrossEntropy: label 7 (example 2) is out of range for 2 classes (0 .. 1)", e.Message);
    }

    [Fact]
    public void NllLossNamesANegativeLabel()
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => Losses.NllLoss(Logits.LogSoftmax(-1), Tensor.FromArray(new long[] { -1, 0, 0 })));
        Assert.Equal("NllLoss: label -1 (example 0) is out of range for 2 classes (0 .. 1)", e.Message);
    }

    [Fact]
    public void GatherNamesTheIndexItsPositionAndTheSize()
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => Logits.Gather(1, Tensor.FromArray(new long[] { 0, 5, 1 }, 3, 1)));
        Assert.Equal("Gather: index 5 at position 1 of the index is out of range for dimension 1 of size 2 (0 .. 1)", e.Message);
    }
}
