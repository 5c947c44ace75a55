using Backprop.Kernels;
namespace Backprop;

// Elementwise math functions, each with its backward rule beside it.

public partial class Tensor
{
    /// <summary>e^x element by element; d/dx = e^x.</summary>
    public Tensor Exp()
    {
        Tensor result = Elementwise.Map<ExpKernel>("Exp", this);
        return TensorGraph.Record(result, "Exp", [this], [result], g => [g * result]);
    }

    /// <summary>Natural logarithm element by element; d/dx = 1/x. Zero gives -∞, a negative number NaN.</summary>
    public Tensor Log() =>
        TensorGraph.Record(Elementwise.Map<LogKernel>("Log", this), "Log", [this], [this], g => [g / this]);

    /// <summary>Square root element by element; d/dx = 1/(2√x).</summary>
    public Tensor Sqrt()
    {
        Tensor result = Elementwise.Map<SqrtKernel>("Sqrt", this);
        return TensorGraph.Record(result, "Sqrt", [this], [result], g => [g / (result * 2.0)]);
    }

    /// <summary>|x| element by element; d/dx = sign(x) (0 at 0).</summary>
    public Tensor Abs() =>
        TensorGraph.Record(Elementwise.Map<AbsKernel>("Abs", this), "Abs", [this], [this], g => [g * Sign()]);

    /// <summary>-1, 0 or 1 by the sign of each element (no gradient).</summary>
    public Tensor Sign() => Elementwise.Map<SignKernel>("Sign", this);

    /// <summary>The error function element by element; d/dx = 2/√π · e^(-x²).</summary>
    public Tensor Erf() =>
        TensorGraph.Record(Elementwise.Map<ErfKernel>("Erf", this), "Erf", [this], [this],
            g => [g * ((this * this).Neg().Exp() * (2 / Math.Sqrt(Math.PI)))]);
}
