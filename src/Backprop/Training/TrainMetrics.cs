namespace Backprop.Training;

/// <summary>How the training split's loss and accuracy after each epoch are measured.</summary>
public enum TrainMetrics
{
    /// <summary>
    /// Score the whole training split with the epoch's final weights in evaluation mode (no
    /// dropout, batch norm's running statistics, no augmentation): exact, and one more forward
    /// pass over the training data per epoch.
    /// </summary>
    Evaluate,

    /// <summary>
    /// The mean of the epoch's batch losses and the share of its batches' examples classified
    /// right, as the steps computed them (training mode, augmented, weights changing along the
    /// epoch), as Keras reports them: free, but not the final weights' score.
    /// </summary>
    Running,
}
