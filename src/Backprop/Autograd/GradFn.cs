namespace Backprop;

/// <summary>
/// The backward rule of one recorded op: given the gradient of the op's output, the gradient
/// for each input (or <see langword="null"/> where an input gets none). Rules are written with
/// tensor ops, so that with <c>createGraph</c> the backward pass is itself recorded and
/// gradients of gradients work.
/// </summary>
/// <remarks>
/// An object per recorded op, as PyTorch's <c>Node</c>: a hot op has a sealed class of its own
/// holding what its rule reads (<see cref="LinearGradFn"/>), so that recording it allocates
/// this object and its inputs' array and nothing else; other ops pass a closure
/// (<see cref="ClosureGradFn"/>). Up to two saved tensors are kept in fields, more in an array.
/// </remarks>
internal abstract class GradFn
{
    private readonly Tensor? _saved0, _saved1;
    private readonly int _version0, _version1;
    private SavedTensor[]? _moreSaved;

    /// <summary>Sets the name and inputs, and records the versions of up to two saved tensors now.</summary>
    /// <param name="name">The op's name, as errors and graph drawings show it.</param>
    /// <param name="inputs">The tensors the op read.</param>
    /// <param name="saved0">A tensor whose values the rule reads, or null.</param>
    /// <param name="saved1">Another, or null.</param>
    protected GradFn(string name, Tensor[] inputs, Tensor? saved0 = null, Tensor? saved1 = null)
    {
        Name = name;
        Inputs = inputs;
        _saved0 = saved0;
        _version0 = saved0?.Version ?? 0;
        _saved1 = saved1;
        _version1 = saved1?.Version ?? 0;
    }

    /// <summary>The op's name, as errors and graph drawings show it.</summary>
    public string Name { get; }

    /// <summary>The tensors the op read.</summary>
    public Tensor[] Inputs { get; }

    /// <summary>Where the op was called, recorded only in anomaly mode.</summary>
    public string? CreatedAt { get; set; }

    /// <summary>The rule: the gradient of each input (null where it gets none) from the output's.</summary>
    /// <param name="grad">The gradient of the op's output.</param>
    /// <param name="recorded">
    /// Whether the backward pass is itself recorded (<c>createGraph</c>): then the rule is
    /// written with differentiable ops, so that gradients of gradients work.
    /// </param>
    /// <param name="inputGrads">
    /// One slot per input (<see cref="Inputs"/>), all null on entry: the rule writes each
    /// input's gradient into its slot. Slots rather than a returned array, because the pass
    /// reuses them: a tiny network's step ran a rule per layer, each allocating its array.
    /// </param>
    public abstract void Backward(Tensor grad, bool recorded, Span<Tensor?> inputGrads);

    /// <summary>Records the versions of tensors the rule reads beyond the two given to the constructor.</summary>
    protected void SaveMore(ReadOnlySpan<Tensor> saved)
    {
        var versions = new SavedTensor[saved.Length];
        for (int i = 0; i < saved.Length; i++) versions[i] = new SavedTensor(saved[i], saved[i].Version);
        _moreSaved = versions;
    }

    /// <summary>Records the versions of tensors the rule reads beyond the two given to the constructor, <paramref name="saved"/> already holding each with its version now (no copy is made).</summary>
    protected void SaveMore(SavedTensor[] saved) => _moreSaved = saved;

    /// <summary>
    /// Throws if a tensor the rule reads was written in place since the op ran (its storage's
    /// version moved on), which would make the gradient silently wrong.
    /// </summary>
    /// <param name="output">The op's output, to name it as such.</param>
    public void CheckSavedVersions(Tensor output)
    {
        if (_saved0 is not null) Check(_saved0, _version0, output);
        if (_saved1 is not null) Check(_saved1, _version1, output);
        if (_moreSaved is null) return;
        foreach (SavedTensor saved in _moreSaved) Check(saved.Tensor, saved.Version, output);
    }

    /// <summary>Throws as <see cref="CheckSavedVersions"/> does if <paramref name="saved"/>'s version is no longer <paramref name="version"/> (for a rule that saves more than two tensors in fields of its own).</summary>
    protected void CheckSaved(Tensor saved, int version, Tensor output) => Check(saved, version, output);

    private void Check(Tensor saved, int version, Tensor output)
    {
        int now = saved.Version;
        if (now == version) return;
        throw new InvalidOperationException(
            $"{Name} backward: {Describe(saved, output)} was modified in place after {Name} saved it for the backward pass " +
            $"(version {version} then, {now} now); compute it again, or change a copy (Clone) instead");
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

/// <summary>A rule given as a closure (the ops without a class of their own).</summary>
internal sealed class ClosureGradFn : GradFn
{
    private readonly Func<Tensor, Tensor?[]> _rule;

    /// <summary>The rule <paramref name="rule"/> of the op <paramref name="name"/>, which read <paramref name="inputs"/> and saved <paramref name="saved"/>.</summary>
    public ClosureGradFn(string name, Tensor[] inputs, Tensor[] saved, Func<Tensor, Tensor?[]> rule)
        : base(name, inputs, saved.Length > 0 ? saved[0] : null, saved.Length > 1 ? saved[1] : null)
    {
        _rule = rule;
        if (saved.Length > 2) SaveMore(saved.AsSpan(2));
    }

    /// <inheritdoc/>
    public override void Backward(Tensor grad, bool recorded, Span<Tensor?> inputGrads) => _rule(grad).AsSpan(0, inputGrads.Length).CopyTo(inputGrads);
}

/// <summary>A tensor a backward rule reads, and its storage's version when the op ran.</summary>
/// <param name="Tensor">The tensor.</param>
/// <param name="Version">Its version then.</param>
internal readonly record struct SavedTensor(Tensor Tensor, int Version);
