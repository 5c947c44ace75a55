namespace Backprop.Training;

/// <summary>Classification metrics, computed without recording a graph.</summary>
public static class Metrics
{
    /// <summary>
    /// The share of examples classified right, in [0, 1]: the class with the largest logit of
    /// each row of <paramref name="output"/> [N, C] against <paramref name="labels"/> [N], as
    /// <c>(logits.argmax(1) == labels).float().mean()</c>. An Int64 <paramref name="output"/>
    /// holds predicted classes already and is compared as it is.
    /// </summary>
    /// <param name="output">Logits or probabilities [N, C], or predicted classes (Int64 [N]).</param>
    /// <param name="labels">The true classes, Int64 [N].</param>
    /// <exception cref="ArgumentException">The labels are not Int64 [N] for the N rows of the output, or there are no examples.</exception>
    public static double Accuracy(Tensor output, Tensor labels)
    {
        long correct = Correct(output, labels);
        if (labels.Count == 0) throw new ArgumentException("Accuracy: there are no examples", nameof(labels));
        return (double)correct / labels.Count;
    }

    /// <summary>How many examples are classified right (see <see cref="Accuracy"/>).</summary>
    /// <param name="output">Logits or probabilities [N, C], or predicted classes (Int64 [N]).</param>
    /// <param name="labels">The true classes, Int64 [N].</param>
    /// <exception cref="ArgumentException">The labels are not Int64 [N] for the N rows of the output.</exception>
    public static long Correct(Tensor output, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.DType != DType.Int64 || labels.Rank != 1)
            throw new ArgumentException($"Accuracy: labels must be Int64 [N] class indices, got {labels.DType} {ShapeMath.Format(labels.ShapeArray)}", nameof(labels));
        Tensor predicted = output.DType == DType.Int64 ? output : output.Argmax(-1);
        if (predicted.Rank != 1 || predicted.Shape[0] != labels.Shape[0])
            throw new ArgumentException($"Accuracy: output {ShapeMath.Format(output.ShapeArray)} does not give one prediction per label of {ShapeMath.Format(labels.ShapeArray)}", nameof(output));
        using (Autograd.NoGrad()) return (long)predicted.Eq(labels).Sum().Item();
    }
}
