namespace Backprop;

public partial class Tensor
{
    /// <summary>
    /// e^x / Σ e^x along <paramref name="dim"/>, computed stably (the maximum is subtracted
    /// first); d/dx = s ⊙ (g - Σ g ⊙ s).
    /// </summary>
    /// <param name="dim">The dimension that sums to 1.</param>
    public Tensor Softmax(int dim = -1)
    {
        Tensor result;
        using (Autograd.NoGrad()) result = LogSoftmax(dim).Exp();
        result = result.Detach();
        Tensor s = result;
        result = TensorGraph.Record(result, "Softmax", [this], [result], g => [s * (g - (g * s).Sum([dim], keepDim: true))]);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "Softmax", [this], new AxisAttributes(ShapeMath.NormalizeDim("Softmax", dim, Rank))) : result;
    }

    /// <summary>
    /// x - log Σ e^x along <paramref name="dim"/>, computed stably; d/dx = g - softmax ⊙ Σ g.
    /// </summary>
    /// <param name="dim">The dimension to normalise over.</param>
    public Tensor LogSoftmax(int dim = -1)
    {
        DTypes.RequireFloat("LogSoftmax", this);
        Tensor result;
        using (Autograd.NoGrad()) result = (this - LogSumExp([dim], keepDim: true)).Detach();
        Tensor logS = result;
        result = TensorGraph.Record(result, "LogSoftmax", [this], [result], g => [g - logS.Exp() * g.Sum([dim], keepDim: true)]);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "LogSoftmax", [this], new AxisAttributes(ShapeMath.NormalizeDim("LogSoftmax", dim, Rank))) : result;
    }
}
