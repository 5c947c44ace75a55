namespace Backprop.Training;

/// <summary>What one epoch of training measured: loss and accuracy on the training split and, when there is one, the test split.</summary>
/// <param name="Epoch">The epoch's number (1 for the first, or 0: any numbering, increasing from epoch to epoch).</param>
/// <param name="TrainLoss">Mean loss over the training split.</param>
/// <param name="TrainAccuracy">Fraction of the training split classified correctly, from 0 to 1 (not a percentage).</param>
/// <param name="TestLoss">Mean loss over the test split; <see langword="null"/> when there is no test split or it was not measured this epoch.</param>
/// <param name="TestAccuracy">Fraction of the test split classified correctly, from 0 to 1; <see langword="null"/> when not measured.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double? TestLoss, double? TestAccuracy);
