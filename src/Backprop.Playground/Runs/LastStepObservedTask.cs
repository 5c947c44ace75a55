using Backprop.Training;

namespace Backprop.Playground.Runs;

/// <summary>
/// What a run watches on the step it shows: hooks on, the gradients recorded, the weights around
/// the update copied. <see cref="LastStepObservedTask"/> calls it for the last step of each epoch.
/// </summary>
internal interface IStepObserver
{
    /// <summary>Before the step's forward pass: attach the hooks that watch it.</summary>
    void StartObserving();

    /// <summary>After the backward pass, before the update: read the gradients and the weights.</summary>
    void GradientsComputed(int globalStep);

    /// <summary>After the update: read the new weights; the observation ends.</summary>
    void UpdateApplied(int globalStep);

    /// <summary>Detach the hooks (also when a step ends without an update: a non-finite loss).</summary>
    void StopObserving();
}

/// <summary>
/// A training task whose last step of each epoch is observed (hooks, gradient flow, weight
/// copies) and whose other steps run bare. A frame is built between epochs and shows the last
/// step before it, so watching every step only paid for numbers no one saw: on the 6 x 8
/// network the watching cost three times the training itself, and the hooks kept each Linear
/// and its activation from running as one fused op.
/// </summary>
internal sealed class LastStepObservedTask(TrainingTask inner, IStepObserver observer) : TrainingTask
{
    private bool _observing;

    /// <inheritdoc/>
    public override int StepsPerEpoch => inner.StepsPerEpoch;

    /// <inheritdoc/>
    public override void BeginEpoch(int epoch) => inner.BeginEpoch(epoch);

    /// <inheritdoc/>
    public override double ComputeGradients(int epoch, int step, int globalStep)
    {
        Stop(); // an observed step the trainer abandoned (its loss was not finite) leaves no hooks behind
        if (step != StepsPerEpoch - 1) return inner.ComputeGradients(epoch, step, globalStep);
        _observing = true;
        observer.StartObserving();
        double loss = inner.ComputeGradients(epoch, step, globalStep);
        observer.GradientsComputed(globalStep);
        return loss;
    }

    /// <inheritdoc/>
    public override void Update(int globalStep)
    {
        inner.Update(globalStep);
        if (!_observing) return;
        observer.UpdateApplied(globalStep);
        Stop();
    }

    /// <inheritdoc/>
    public override EpochMetrics Evaluate(int epoch) => inner.Evaluate(epoch);

    /// <inheritdoc/>
    public override void RememberWeights() => inner.RememberWeights();

    /// <inheritdoc/>
    public override void RestoreWeights() => inner.RestoreWeights();

    /// <inheritdoc/>
    public override bool WeightsAreFinite() => inner.WeightsAreFinite();

    /// <inheritdoc/>
    public override void End()
    {
        Stop();
        inner.End();
    }

    private void Stop()
    {
        if (!_observing) return;
        _observing = false;
        observer.StopObserving();
    }
}
