namespace Backprop.Cli.Chapter;

/// <summary>The single neuron <c>relu(w*x + b)</c> with squared-error loss, after one backward pass.</summary>
/// <param name="X">Input.</param>
/// <param name="W">Weight.</param>
/// <param name="B">Bias.</param>
/// <param name="Target">What the output should have been.</param>
/// <param name="Z">Pre-activation <c>w*x + b</c>.</param>
/// <param name="Out">Output <c>relu(z)</c>.</param>
/// <param name="Loss"><c>(out - target)^2</c>.</param>
/// <param name="WGrad">dLoss/dw.</param>
/// <param name="BGrad">dLoss/db.</param>
/// <param name="XGrad">dLoss/dx.</param>
public sealed record SingleNeuron(
    double X, double W, double B, double Target,
    double Z, double Out, double Loss,
    double WGrad, double BGrad, double XGrad);

/// <summary>The chapter's 100 random two-layer nets: mean |gradient| of each layer's weights per trial.</summary>
/// <param name="Layer2">Per trial, the mean |dL/dw2| (the layer next to the output).</param>
/// <param name="Layer1">Per trial, the mean |dL/dw1| (the layer next to the input).</param>
/// <param name="MeanLayer2">numpy's mean of <paramref name="Layer2"/>.</param>
/// <param name="MeanLayer1">numpy's mean of <paramref name="Layer1"/>.</param>
/// <param name="Trial0Layer2">Trial 0's dL/dw2, element by element.</param>
/// <param name="Trial0Layer1">Trial 0's dL/dw1, element by element.</param>
/// <param name="ValueEngineAgrees">Whether the <see cref="Value"/> engine's gradients equal the hand-derived ones in every trial.</param>
public sealed record GradientFlow(
    double[] Layer2, double[] Layer1, double MeanLayer2, double MeanLayer1,
    double[] Trial0Layer2, double[] Trial0Layer1, bool ValueEngineAgrees);

/// <summary>The chapter's vanishing-gradient demonstration: mean |gradient| after each of 12 sigmoid layers.</summary>
/// <param name="GradNorms">Mean |gradient| at the output (index 0) and after each layer going back.</param>
public sealed record Vanishing(double[] GradNorms);

/// <summary>Everything the chapter computes.</summary>
/// <param name="Neuron">The single-neuron section.</param>
/// <param name="Flow">The gradient-magnitude section.</param>
/// <param name="Vanishing">The vanishing-gradient section.</param>
public sealed record ChapterResults(SingleNeuron Neuron, GradientFlow Flow, Vanishing Vanishing);
