namespace Backprop.Playground.Lab;

/// <summary>An optimizer race at one moment: every racer's loss history and path on one shared plane.</summary>
/// <param name="Id">The race's id.</param>
/// <param name="Epoch">Epochs every racer has trained (they step in sync).</param>
/// <param name="ProjectionError">How far the racers' paths lie off the shared plane, √(Σ residual²) / √(Σ ‖p − start‖²) (0: in the plane).</param>
/// <param name="Racers">One per optimizer, in the order asked.</param>
public sealed record RaceFrame(string Id, int Epoch, double ProjectionError, IReadOnlyList<RaceRacer> Racers);

/// <summary>One racer of an optimizer race.</summary>
/// <param name="Optimizer">sgd, momentum, adam or rmsprop.</param>
/// <param name="RunId">Its run, a normal run of the run API (its snapshot and frames work as any run's).</param>
/// <param name="Status">The run's status (a diverged racer stops; the others go on).</param>
/// <param name="TrainLoss">The latest training loss.</param>
/// <param name="TestLoss">The latest test loss.</param>
/// <param name="Epochs">The epoch of each entry of <paramref name="Losses"/>, from 0.</param>
/// <param name="Losses">The training loss after each epoch (null where it was not finite).</param>
/// <param name="Path">[α, β] on the shared plane per recorded epoch (the run's trajectory), from the common start.</param>
public sealed record RaceRacer(
    string Optimizer,
    string RunId,
    string Status,
    double? TrainLoss,
    double? TestLoss,
    IReadOnlyList<int> Epochs,
    IReadOnlyList<double?> Losses,
    IReadOnlyList<double[]> Path);
