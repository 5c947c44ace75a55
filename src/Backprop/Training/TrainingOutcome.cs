namespace Backprop.Training;

/// <summary>Why a training run ended.</summary>
public enum TrainingOutcome
{
    /// <summary>Every planned epoch ran.</summary>
    Completed,

    /// <summary>The cancellation token fired; the run stopped after the step in progress.</summary>
    Cancelled,

    /// <summary>A step's loss was NaN or infinite; the run stopped and kept the last finite weights.</summary>
    Diverged,
}
