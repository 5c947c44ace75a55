using System.Globalization;

namespace Backprop;

/// <summary>The outcome of <see cref="GradCheck.Check"/>.</summary>
/// <param name="Passed">Whether every element agreed within tolerance.</param>
/// <param name="WorstInput">The input of the worst element.</param>
/// <param name="WorstInputIndex">The flat index, in that input, of the worst element.</param>
/// <param name="WorstOutputIndex">The flat index of the output element whose derivative was worst.</param>
/// <param name="Analytical">The backward pass's derivative there.</param>
/// <param name="Numerical">The finite-difference derivative there.</param>
/// <param name="Message">A sentence describing the worst element.</param>
public sealed record GradCheckResult(bool Passed, int WorstInput, int WorstInputIndex, int WorstOutputIndex,
    double Analytical, double Numerical, string Message);

/// <summary>
/// Compares the gradients that backward computes with central finite differences, in double
/// precision, as PyTorch's <c>torch.autograd.gradcheck</c> does: the full Jacobian of every
/// output element with respect to every input element.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Checks <paramref name="func"/> at <paramref name="inputs"/> (Float64 tensors; those that
    /// require grad are checked). An element passes when
    /// |analytical - numerical| ≤ <paramref name="atol"/> + <paramref name="rtol"/>·|numerical|.
    /// </summary>
    /// <param name="func">The function; its output may have any shape.</param>
    /// <param name="inputs">The point; must be Float64.</param>
    /// <param name="eps">The finite-difference step.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <returns>Whether it passed, and the worst element.</returns>
    /// <exception cref="ArgumentException">An input is not Float64, or none requires grad.</exception>
    public static GradCheckResult Check(Func<Tensor[], Tensor> func, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(func);
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].DType != DType.Float64)
                throw new ArgumentException($"GradCheck: input {i} is {inputs[i].DType}; finite differences need Float64 (use To(DType.Float64))", nameof(inputs));
        }
        int[] checkedInputs = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].RequiresGrad).ToArray();
        if (checkedInputs.Length == 0) throw new ArgumentException("GradCheck: no input requires grad", nameof(inputs));

        double[][] points = inputs.Select(t => t.ToDoubleArray()).ToArray();
        Tensor output = func(inputs);
        int outputs = output.Count;

        // Analytical Jacobian, one backward pass per output element (row).
        var analytical = new double[checkedInputs.Length][,];
        for (int c = 0; c < checkedInputs.Length; c++) analytical[c] = new double[outputs, points[checkedInputs[c]].Length];
        for (int o = 0; o < outputs; o++)
        {
            var seed = new double[outputs];
            seed[o] = 1;
            Tensor[] grads = Autograd.Grad([func(inputs)], checkedInputs.Select(i => inputs[i]).ToArray(),
                [Tensor.FromArray(seed).Reshape(output.ShapeArray)]);
            for (int c = 0; c < checkedInputs.Length; c++)
            {
                double[] g = grads[c].ToDoubleArray();
                for (int e = 0; e < g.Length; e++) analytical[c][o, e] = g[e];
            }
        }

        // Numerical Jacobian, one pair of forward passes per input element (column).
        var worst = new GradCheckResult(true, -1, -1, -1, 0, 0, "all gradients agree");
        double worstExcess = double.NegativeInfinity;
        for (int c = 0; c < checkedInputs.Length; c++)
        {
            int input = checkedInputs[c];
            for (int e = 0; e < points[input].Length; e++)
            {
                double[] plus = Evaluate(func, inputs, points, input, e, +eps);
                double[] minus = Evaluate(func, inputs, points, input, e, -eps);
                for (int o = 0; o < outputs; o++)
                {
                    double numerical = (plus[o] - minus[o]) / (2 * eps);
                    double a = analytical[c][o, e];
                    double excess = Math.Abs(a - numerical) - (atol + rtol * Math.Abs(numerical));
                    if (double.IsNaN(a) != double.IsNaN(numerical)) excess = double.PositiveInfinity;
                    if (excess > worstExcess)
                    {
                        worstExcess = excess;
                        bool passed = excess <= 0 || (double.IsNaN(a) && double.IsNaN(numerical));
                        worst = new GradCheckResult(passed, input, e, o, a, numerical,
                            string.Create(CultureInfo.InvariantCulture,
                                $"input {input} element {e}, output element {o}: analytical {a:R}, numerical {numerical:R} (tolerance {atol + rtol * Math.Abs(numerical):R})"));
                    }
                }
            }
        }
        return worst with { Passed = worstExcess <= 0 };
    }

    private static double[] Evaluate(Func<Tensor[], Tensor> func, Tensor[] inputs, double[][] points, int input, int element, double delta)
    {
        double[] moved = (double[])points[input].Clone();
        moved[element] += delta;
        var shifted = (Tensor[])inputs.Clone();
        Tensor shiftedInput = Tensor.FromArray(moved).Reshape(inputs[input].ShapeArray).Detach();
        shiftedInput.RequiresGrad = inputs[input].RequiresGrad; // the function may take gradients itself
        shifted[input] = shiftedInput;
        return func(shifted).ToDoubleArray();
    }
}
