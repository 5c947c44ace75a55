namespace Backprop.Playground.Lab;

/// <summary>
/// The chapter's single neuron with its loss, as the chapter builds it: <c>out = relu(w*x + b)</c>,
/// <c>L = (out + Value(-target))**2</c> with x = 2, w = 0.5, b = 0.3, target = 5. After
/// <see cref="Value.Backward"/>: z = 1.3, L = 13.69, dL/dw = -14.8, dL/db = -7.4 (the ReLU passes
/// z = 1.3 unchanged, so the numbers are those of the bare neuron). One definition for the
/// playground's stepper preset and <c>backprop graph --chapter</c>.
/// </summary>
public static class ChapterNeuron
{
    /// <summary>The target the neuron's output is pulled towards.</summary>
    public const double Target = 5.0;

    /// <summary>
    /// Builds the neuron and its loss (not yet differentiated), labelled as the chapter's drawing:
    /// x, w, b, w*x, z, out, -target, out - target and L.
    /// </summary>
    /// <returns>The loss and the nodes a reader names.</returns>
    public static ChapterNeuronGraph Build()
    {
        var x = new Value(2.0, "x");
        var w = new Value(0.5, "w");
        var b = new Value(0.3, "b");
        Value product = w * x;
        product.Label = "w*x";
        Value z = product + b;
        z.Label = "z";
        Value output = z.Relu();
        output.Label = "out";
        Value error = output + new Value(-Target, "-target");
        error.Label = "out - target";
        Value loss = error.Pow(2);
        loss.Label = "L";
        return new ChapterNeuronGraph(loss, x, w, b, z);
    }
}

/// <summary>The chapter's neuron as <see cref="ChapterNeuron.Build"/> made it.</summary>
/// <param name="Loss">L = (relu(w*x + b) - target)^2, the root of the graph.</param>
/// <param name="X">The input, 2.</param>
/// <param name="W">The weight, 0.5.</param>
/// <param name="B">The bias, 0.3.</param>
/// <param name="Z">The pre-activation w*x + b, 1.3.</param>
public sealed record ChapterNeuronGraph(Value Loss, Value X, Value W, Value B, Value Z);
