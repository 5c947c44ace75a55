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
internal sealed record GradFn(string Name, Tensor[] Inputs, Func<Tensor, Tensor?[]> Backward, string? CreatedAt);
