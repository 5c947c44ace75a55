namespace Backprop.Cli.Graph;

/// <summary>
/// The chapter's single neuron with its loss, built as the chapter builds it, for
/// <c>backprop graph --chapter</c>: <c>out = relu(w*x + b)</c>, <c>L = (out + Value(-target))**2</c>
/// with x = 2, w = 0.5, b = 0.3, target = 5. After <see cref="Value.Backward"/>, dL/dw = -14.8 and
/// dL/db = -7.4.
/// </summary>
public static class ChapterNeuron
{
    /// <summary>The caption of the drawing.</summary>
    public const string Title = "the chapter's neuron: out = relu(w*x + b), L = (out + (-target))^2, target = 5";

    /// <summary>
    /// Builds the neuron and its loss (not yet differentiated), with the same labels as the
    /// chapter's drawing: x, w, b, w*x, z, out, -target and L. The playground's chain-rule
    /// stepper shows the same graph (<see cref="Playground.Lab.ChapterNeuron"/>, the one definition).
    /// </summary>
    /// <returns>The loss and the three inputs, in the order x, w, b.</returns>
    public static ParsedExpression Build()
    {
        Playground.Lab.ChapterNeuronGraph neuron = Playground.Lab.ChapterNeuron.Build();
        return new ParsedExpression(neuron.Loss, [neuron.X, neuron.W, neuron.B], []);
    }
}
