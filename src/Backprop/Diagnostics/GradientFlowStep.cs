namespace Backprop.Diagnostics;

/// <summary>The statistics of every <see cref="NN.Linear"/> layer at one training step, input layer first.</summary>
/// <param name="Step">The step number the caller gave <see cref="GradientFlowRecorder.RecordGradients"/>.</param>
/// <param name="Layers">One entry per layer, in the order the model lists its modules (input first).</param>
public sealed record GradientFlowStep(int Step, IReadOnlyList<GradientFlowLayer> Layers);
