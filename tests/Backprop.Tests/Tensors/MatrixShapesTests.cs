namespace Backprop.Tests.Tensors;

/// <summary>
/// <see cref="MatrixShapes"/>: one shape and stride array per [rows, cols] on a thread, shared
/// by results, and always the right ones whatever mix of sizes shares its slots.
/// </summary>
public class MatrixShapesTests
{
    private static MatrixShapes Shapes => Backprop.Memory.ThreadMemory.Current.Shapes;

    [Fact]
    public void TheSameSizeGivesTheSameArraysAndTheyAreTheContiguousOnes()
    {
        (int[] shape, int[] strides) = Shapes.Of(10, 8);
        (int[] again, int[] againStrides) = Shapes.Of(10, 8);
        Assert.Same(shape, again);
        Assert.Same(strides, againStrides);
        Assert.Equal([10, 8], shape);
        Assert.Equal([8, 1], strides);
        Assert.Equal(ShapeMath.ContiguousStrides([10, 0]), Shapes.Of(10, 0).Strides);
    }

    [Fact]
    public void ManySizesInTurnEachGetTheirOwnShape()
    {
        // More sizes than slots, twice over: collisions replace an entry, never return another size's.
        for (int round = 0; round < 2; round++)
        {
            for (int rows = 1; rows <= 12; rows++)
            {
                for (int cols = 1; cols <= 12; cols++)
                {
                    (int[] shape, int[] strides) = Shapes.Of(rows, cols);
                    Assert.Equal([rows, cols], shape);
                    Assert.Equal([cols, 1], strides);
                }
            }
        }
    }

    [Fact]
    public void VectorsOfEveryLengthGetTheirOwnSharedShape()
    {
        // More lengths than slots (0 included), twice over.
        for (int round = 0; round < 2; round++)
        {
            for (int length = 0; length <= 70; length++)
            {
                (int[] shape, int[] strides) = Shapes.OfVector(length);
                Assert.Equal([length], shape);
                Assert.Equal([1], strides);
                Assert.Same(shape, Shapes.OfVector(length).Shape);
            }
        }
    }

    [Fact]
    public void ShuffledBatchesShareTheirShapesAndHoldTheirRows()
    {
        var data = new Backprop.Data.Dataset(Tensor.FromArray([0f, 1f, 10f, 11f, 20f, 21f], 3, 2), Tensor.FromArray([0L, 1L, 2L]), classes: 3);
        var loader = new Backprop.Data.DataLoader(data, batchSize: 2, shuffle: true, seed: 5);
        int[] order = Backprop.Data.Dataset.Permutation(new Backprop.Random.NumpyRandom(5), 3);
        Backprop.Data.Batch[] batches = [.. loader];
        Assert.Equal([2, 1], batches.Select(b => b.Count));
        Assert.Same(batches[0].Labels.ShapeArray, Shapes.OfVector(2).Shape);
        Assert.Same(batches[0].Features.ShapeArray, Shapes.Of(2, 2).Shape);
        long[] labels = [.. batches.SelectMany(b => b.Labels.ToArray<long>())];
        float[] features = [.. batches.SelectMany(b => b.Features.ToArray<float>())];
        Assert.Equal(order.Select(i => (long)i), labels);
        Assert.Equal(order.SelectMany(i => new[] { 10f * i, 10f * i + 1 }), features);
    }

    [Fact]
    public void LinearResultsShareTheirShapeAndStayCorrect()
    {
        var layer = new Backprop.NN.Linear(3, 2, new Backprop.Random.NumpyRandom(4));
        Tensor x = Tensor.FromArray([1f, 2f, 3f, -1f, 0f, 1f], 2, 3);
        Tensor a = layer.Forward(x), b = layer.Forward(x);
        Assert.Same(a.ShapeArray, b.ShapeArray);
        Assert.Equal([2, 2], a.Shape);
        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
        Assert.Equal(x.MatMul(layer.Weight.T).Add(layer.Bias!).ToArray<float>(), a.ToArray<float>());
    }
}
