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
    /// chapter's drawing: x, w, b, w*x, z, out, -target and L.
    /// </summary>
    /// <returns>The loss and the three inputs, in the order x, w, b.</returns>
    public static ParsedExpression Build()
    {
        const double target = 5.0;
        var x = new Value(2.0, "x");
        var w = new Value(0.5, "w");
        var b = new Value(0.3, "b");
        Value product = w * x;
        product.Label = "w*x";
        Value z = product + b;
        z.Label = "z";
        Value output = z.Relu();
        output.Label = "out";
        Value error = output + new Value(-target, "-target");
        error.Label = "out - target";
        Value loss = error.Pow(2);
        loss.Label = "L";
        return new ParsedExpression(loss, [x, w, b], []);
    }
}
