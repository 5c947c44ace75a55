namespace Backprop;

/// <summary>
/// The backward rule of one recorded op: given the gradient of the op's output, the gradient
/// for each input (or <see langword="null"/> where an input gets none). Rules are written with
/// tensor ops, so that with <c>createGraph</c> the backward pass is itself recorded and
/// gradients of gradients work.
/// </summary>
/// <param name="Name">The op's name, as errors and graph drawings show it.</param>
/// <param name="Inputs">The tensors the op read.</param>
/// <param name="Backward">The rule.</param>
/// <param name="CreatedAt">Where the op was called, recorded only in anomaly mode.</param>
/// <param name="Saved">The tensors whose values the rule reads, with the version each had when recorded.</param>
internal sealed record GradFn(string Name, Tensor[] Inputs, Func<Tensor, Tensor?[]> Backward, string? CreatedAt, SavedTensor[] Saved)
{
    /// <summary>
    /// Throws if a tensor the rule reads was written in place since the op ran (its storage's
    /// version moved on), which would make the gradient silently wrong.
    /// </summary>
    /// <param name="output">The op's output, to name it as such.</param>
    public void CheckSavedVersions(Tensor output)
    {
        foreach (SavedTensor saved in Saved)
        {
            int now = saved.Tensor.Version;
            if (now == saved.Version) continue;
            throw new InvalidOperationException(
                $"{Name} backward: {Describe(saved.Tensor, output)} was modified in place after {Name} saved it for the backward pass " +
                $"(version {saved.Version} then, {now} now); compute it again, or change a copy (Clone) instead");
        }
    }

    private string Describe(Tensor tensor, Tensor output)
    {
        string what = ReferenceEquals(tensor, output) ? "its output" : "a tensor it saved";
        for (int i = 0; i < Inputs.Length; i++)
        {
            if (ReferenceEquals(Inputs[i], tensor)) what = Inputs.Length == 1 ? "its input" : $"its input {i}";
        }
        return $"{what} ({tensor.DType} {ShapeMath.Format(tensor.ShapeArray)})";
    }
}

/// <summary>A tensor a backward rule reads, and its storage's version when the op ran.</summary>
/// <param name="Tensor">The tensor.</param>
/// <param name="Version">Its version then.</param>
internal readonly record struct SavedTensor(Tensor Tensor, int Version);
