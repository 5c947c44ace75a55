namespace Backprop;

/// <summary>
/// <see cref="Tensor.LinearActivation"/>'s rule: the activation's derivative from the saved
/// output, then <see cref="LinearGradFn"/>'s products, so the same numbers as the two rules of
/// the unfused layer run one after the other.
/// </summary>
internal sealed class LinearActivationGradFn : GradFn
{
    private readonly Tensor _input, _weight, _output;
    private readonly Tensor? _bias;
    private readonly FusedActivation _activation;

    /// <summary>The rule of <c>output = f(input.Linear(weight, bias))</c>; input, weight and output are saved (their versions taken now).</summary>
    public LinearActivationGradFn(Tensor input, Tensor weight, Tensor? bias, FusedActivation activation, Tensor output)
        : base(NameOf(activation), bias is null ? [input, weight] : [input, weight, bias], input, weight)
    {
        _input = input;
        _weight = weight;
        _bias = bias;
        _activation = activation;
        _output = output;
        OutputVersion = output.Version;
    }

    /// <summary>The output's version when the op ran (the two saved-tensor slots hold the input and the weight).</summary>
    private int OutputVersion { get; }

    private static string NameOf(FusedActivation activation) => activation switch
    {
        FusedActivation.Relu => "Linear+Relu",
        FusedActivation.Tanh => "Linear+Tanh",
        _ => "Linear+Sigmoid",
    };

    /// <inheritdoc/>
    public override Tensor?[] Backward(Tensor grad)
    {
        CheckSaved(_output, OutputVersion, _output);
        Tensor z = _output.ActivationBackward(grad, _activation);
        return TensorGraph.RecordingDuringBackward == true
            ? [
                _input.RequiresGrad ? z.MatMul(_weight) : null,
                _weight.RequiresGrad ? z.Transpose(0, 1).MatMul(_input) : null,
                _bias is not null && _bias.RequiresGrad ? z.Sum(0) : null,
            ]
            : Tensor.LinearBackward(_input, _weight, _bias, z);
    }
}
