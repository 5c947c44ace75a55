namespace Backprop.Tests.Engine;

/// <summary>
/// The trace ONNX export reads: what it notes (every recorded op, under NoGrad too; composites as
/// one op; attributes), and that it is off, and restored, outside its scope.
/// </summary>
public sealed class GraphTraceTests
{
    [Fact]
    public void NotesEveryOpWithItsInputsEvenWithoutGradients()
    {
        Tensor x = Tensor.FromArray(new float[] { 1, -2, 3, -4 }, 2, 2);
        Tensor w = Tensor.FromArray(new float[] { 0.5f, 1, -1, 2 }, 2, 2);
        Tensor y, z;
        using (GraphTrace trace = GraphTrace.Start())
        using (Autograd.NoGrad())
        {
            y = x.MatMul(w);
            z = y.Relu();
            TracedOp relu = trace.Producer(z)!, product = trace.Producer(y)!;
            Assert.Equal("Relu", relu.Name);
            Assert.Same(y, Assert.Single(relu.Inputs));
            Assert.Equal("MatMul", product.Name);
            Assert.Equal(2, product.Inputs.Length);
            Assert.Same(x, product.Inputs[0]);
            Assert.Same(w, product.Inputs[1]);
            Assert.Null(trace.Producer(x)); // an input: made by no op
            Assert.True(trace.Producer(y)!.Sequence < trace.Producer(z)!.Sequence);
        }
        Assert.False(y.RequiresGrad);
    }

    [Fact]
    public void ACompositionIsNotedAsOneOpWithItsAttributes()
    {
        Tensor x = Tensor.FromArray(new float[] { 1, 2, 4, 8, 3, 5 }, 2, 3);
        using GraphTrace trace = GraphTrace.Start();
        Tensor normalised = x.LayerNorm(1, eps: 1e-3);
        Tensor soft = x.Softmax(-1);
        TracedOp layerNorm = trace.Producer(normalised)!;
        Assert.Equal("LayerNorm", layerNorm.Name);
        Assert.Same(x, layerNorm.Inputs[0]);
        Assert.Equal([1f, 1, 1], layerNorm.Inputs[1].ToArray<float>()); // the identity scale, made explicit
        Assert.Equal(new NormalizationAttributes(-1, 1e-3), layerNorm.Attributes);
        Assert.Equal(new AxisAttributes(1), trace.Producer(soft)!.Attributes); // -1 normalised
    }

    [Fact]
    public void NothingIsNotedOutsideATraceAndANestedTraceRestoresTheOuterOne()
    {
        Tensor x = Tensor.FromArray(new float[] { 1, 2 }, 2);
        Assert.False(TensorGraph.Tracing);
        GraphTrace outer = GraphTrace.Start();
        Tensor a = x.Tanh();
        using (GraphTrace inner = GraphTrace.Start())
        {
            Tensor b = x.Sigmoid();
            Assert.NotNull(inner.Producer(b));
            Assert.Null(outer.Producer(b));
        }
        Tensor c = x.Exp();
        outer.Dispose();
        Tensor d = x.Log();
        Assert.NotNull(outer.Producer(a));
        Assert.NotNull(outer.Producer(c));
        Assert.Null(outer.Producer(d));
        Assert.False(TensorGraph.Tracing);
    }
}
