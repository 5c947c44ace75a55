namespace Backprop.Training;

/// <summary>
/// The model-specific half of a training run: what one step does, how a model is scored, and
/// how its weights are remembered and restored. <see cref="Trainer"/> owns the other half (the
/// epoch and batch loop, evaluation, events, divergence and cancellation), so every engine and
/// every front end (the CLI, a playground, distributed training) runs the same loop.
/// </summary>
public abstract class TrainingTask
{
    /// <summary>Optimizer steps in one epoch.</summary>
    public abstract int StepsPerEpoch { get; }

    /// <summary>Called before the first step of each epoch (switch to training mode, reshuffle).</summary>
    /// <param name="epoch">The epoch, from 1.</param>
    public virtual void BeginEpoch(int epoch) { }

    /// <summary>
    /// Runs the forward and backward pass of step <paramref name="step"/> of the epoch, leaving
    /// the gradients in place, and returns the loss. The weights are not changed yet, so a
    /// non-finite loss can stop the run before it spoils them.
    /// </summary>
    /// <param name="epoch">The epoch, from 1.</param>
    /// <param name="step">The step within the epoch, from 0.</param>
    /// <param name="globalStep">Steps taken before this one in the whole run.</param>
    /// <returns>The batch's loss.</returns>
    public abstract double ComputeGradients(int epoch, int step, int globalStep);

    /// <summary>Applies the gradients of the last <see cref="ComputeGradients"/> to the weights.</summary>
    /// <param name="globalStep">Steps taken before this one in the whole run.</param>
    public abstract void Update(int globalStep);

    /// <summary>Loss and accuracy of the current weights on the training and test data.</summary>
    /// <param name="epoch">The number the metrics carry.</param>
    public abstract EpochMetrics Evaluate(int epoch);

    /// <summary>Copies the current weights aside (they produced a finite loss).</summary>
    public abstract void RememberWeights();

    /// <summary>Puts back the weights copied by the last <see cref="RememberWeights"/> (none copied: leaves the weights as they are).</summary>
    public abstract void RestoreWeights();

    /// <summary>Whether every weight is a finite number.</summary>
    public abstract bool WeightsAreFinite();

    /// <summary>Called once when the run ends, whatever the reason (switch to evaluation mode).</summary>
    public virtual void End() { }
}
