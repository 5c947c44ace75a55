namespace Backprop.Cli.Bench;

/// <summary>
/// The deep-graph workload: <c>x = (x * 1.0001 + 0.5).Relu()</c> repeated, then one backward
/// pass through the whole chain (three nodes a step).
/// </summary>
public static class ScalarChain
{
    /// <summary>Builds the chain of <paramref name="steps"/> steps from x = 1 and runs <see cref="Value.Backward"/>.</summary>
    /// <param name="steps">How many times to apply the step.</param>
    /// <returns>The input, whose gradient is d(output)/dx = 1.0001^steps (every ReLU passes).</returns>
    public static Value Run(int steps)
    {
        var input = new Value(1.0, "x");
        Value x = input;
        for (int i = 0; i < steps; i++) x = (x * 1.0001 + 0.5).Relu();
        x.Backward();
        return input;
    }
}
