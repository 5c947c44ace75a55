namespace Backprop.Playground.Runs;

/// <summary>One point of a playground data set.</summary>
/// <param name="X1">The horizontal coordinate, in [-6, 6] for the generated sets.</param>
/// <param name="X2">The vertical coordinate.</param>
/// <param name="Label">The class (0 .. classes - 1) of a classification, or the target in [-1, 1] of a regression.</param>
public readonly record struct DataPoint(double X1, double X2, double Label);
