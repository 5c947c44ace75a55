namespace Backprop.NN.Scalar;

/// <summary>
/// micrograd's demo loss for a one-output <see cref="Mlp"/>: the SVM max-margin loss
/// relu(1 - y·score) averaged over the examples, plus α·Σp² over the parameters (L2).
/// </summary>
public static class MaxMarginLoss
{
    /// <summary>The loss over <paramref name="inputs"/> with targets ±1, and how many examples the scores classify right.</summary>
    /// <param name="model">The network; its first output is the score.</param>
    /// <param name="inputs">One input row per example.</param>
    /// <param name="targets">-1 or +1 per example.</param>
    /// <param name="alpha">The L2 factor α (micrograd: 1e-4).</param>
    /// <exception cref="ArgumentException">No examples, or inputs and targets of different counts.</exception>
    public static (Value Loss, int Correct) Compute(Mlp model, ReadOnlySpan<Value[]> inputs, ReadOnlySpan<double> targets, double alpha = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (inputs.Length == 0 || inputs.Length != targets.Length)
            throw new ArgumentException($"MaxMarginLoss: {inputs.Length} inputs and {targets.Length} targets; need the same positive number");
        Value? dataLoss = null;
        int correct = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            Value score = model.Forward(inputs[i])[0];
            Value margin = (score * -targets[i] + 1).Relu();
            dataLoss = dataLoss is null ? margin : dataLoss + margin;
            if (targets[i] > 0 == score.Data > 0) correct++;
        }

        // Σp² as the nodes of `squares = p0 * p0; squares += p * p` for the rest, without a
        // handle on each intermediate node (see Tape.MultiplyAdd).
        ReadOnlySpan<Value> parameters = model.ParameterSpan;
        Value squares = Tape.MultiplyAdd(parameters[0] * parameters[0], parameters[1..], parameters[1..]);
        return (dataLoss! * (1.0 / inputs.Length) + alpha * squares, correct);
    }
}
