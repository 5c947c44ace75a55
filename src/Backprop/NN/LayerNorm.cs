namespace Backprop.NN;

/// <summary>Layer normalisation over the last dimension with a learned scale (<c>weight</c>, ones) and shift (<c>bias</c>, zeros).</summary>
public sealed class LayerNorm : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="features">Size of the last dimension.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public LayerNorm(int features, double eps = 1e-5, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Eps = eps;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Ones([features], dtype)));
        Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros([features], dtype)));
    }

    /// <summary>The scale.</summary>
    public Parameter Weight { get; }

    /// <summary>The shift.</summary>
    public Parameter Bias { get; }

    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.LayerNorm(1, Weight, Bias, Eps);
}
