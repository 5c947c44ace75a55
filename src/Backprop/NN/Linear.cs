using Backprop.Random;

namespace Backprop.NN;

/// <summary>
/// y = x·Wᵀ + b, as PyTorch's <c>nn.Linear</c>: the weight is stored [out, in] (so checkpoints
/// load in PyTorch unchanged) and read transposed without a copy.
/// </summary>
public sealed class Linear : Module
{
    /// <summary>
    /// Creates the layer with PyTorch's default initialisation: weight and bias uniform in
    /// ±1/√in (Kaiming uniform with a = √5), drawn from <paramref name="random"/>.
    /// </summary>
    /// <param name="inFeatures">Inputs per example.</param>
    /// <param name="outFeatures">Outputs per example.</param>
    /// <param name="random">The generator for the initial values.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public Linear(int inFeatures, int outFeatures, NumpyRandom random, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([outFeatures, inFeatures], dtype)));
        Init.KaimingUniform(Weight, random, negativeSlope: Math.Sqrt(5));
        if (bias)
        {
            double bound = 1 / Math.Sqrt(inFeatures);
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros([outFeatures], dtype)));
            Init.Uniform(Bias, random, -bound, bound);
        }
    }

    /// <summary>
    /// Creates the layer as <c>nn.Linear(in, out)</c> does, drawing the initial values from
    /// <see cref="Tensor.DefaultGenerator"/> (seed it with <see cref="Tensor.ManualSeed"/>).
    /// </summary>
    /// <param name="inFeatures">Inputs per example.</param>
    /// <param name="outFeatures">Outputs per example.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <param name="dtype">The element type of the parameters.</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32)
        : this(inFeatures, outFeatures, Tensor.DefaultGenerator, bias, dtype)
    {
    }

    /// <summary>Inputs per example.</summary>
    public int InFeatures { get; }

    /// <summary>Outputs per example.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, [out, in].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        if (input.Rank == 0 || input.Shape[^1] != InFeatures)
            throw new ArgumentException($"Linear({InFeatures}, {OutFeatures}): input shape [{string.Join(",", input.Shape)}] does not end in {InFeatures}");
        // One recorded op (product and bias together), the same numbers as input·Wᵀ + b.
        return input.Linear(Weight, Bias);
    }

    /// <summary>
    /// This layer and the activation module <paramref name="next"/> after it as one op
    /// (<see cref="Tensor.LinearActivation(Tensor, Tensor?, FusedActivation)"/>), or null where they must run apart: a module that
    /// is not a ReLU, tanh or sigmoid (<see cref="Activation"/>, <see cref="ReLU"/>,
    /// <see cref="Tanh"/>, <see cref="Sigmoid"/>), a hook on either module, an input that is not
    /// a [batch, in] matrix, a graph trace or anomaly mode.
    /// </summary>
    internal Tensor? ForwardFused(Tensor input, Module next)
    {
        FusedActivation? fused = FusesWith(next);
        if (fused is null || input.Rank != 2 || input.ShapeArray[1] != InFeatures || TensorGraph.Tracing)
            return null;
        // Read once for the whole layer (an AsyncLocal lookup): the anomaly check here, recording in the op.
        AutogradModes modes = Autograd.Modes;
        if ((modes & AutogradModes.AnomalyDetection) != 0) return null;
        return input.LinearActivation(Weight, Bias, fused.Value, modes);
    }

    /// <summary>The activation this layer runs in one op with when <paramref name="next"/> follows it: a ReLU, tanh or sigmoid module, with no hook on either; else null.</summary>
    internal FusedActivation? FusesWith(Module next)
    {
        if (HasHooks || next.HasHooks) return null;
        return next switch
        {
            ReLU or Activation { Kind: ActivationKind.Relu } => FusedActivation.Relu,
            Tanh or Activation { Kind: ActivationKind.Tanh } => FusedActivation.Tanh,
            Sigmoid or Activation { Kind: ActivationKind.Sigmoid } => FusedActivation.Sigmoid,
            _ => null,
        };
    }
}
