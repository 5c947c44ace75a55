namespace Backprop.Playground.Lab;

/// <summary>What <c>POST /api/runs/{id}/landscape</c> answers: the loss over a grid of a plane through the current weights, and the run's path projected on it.</summary>
/// <param name="Resolution">Points per side.</param>
/// <param name="Directions">"random" or "trajectory".</param>
/// <param name="Span">The grid covers [-Span, Span] on both axes.</param>
/// <param name="Alphas">The α of each column, ascending.</param>
/// <param name="Betas">The β of each row, ascending.</param>
/// <param name="Losses">Base64 of float32 little-endian, Resolution² values, row-major: <c>losses[row * Resolution + col]</c> is the loss at (Alphas[col], Betas[row]); NaN where it diverged.</param>
/// <param name="CenterLoss">The loss at the centre: the run's current training loss (null when not finite).</param>
/// <param name="MinLoss">The smallest finite loss of the grid (null when none is finite).</param>
/// <param name="MaxLoss">The largest finite loss of the grid (null when none is finite).</param>
/// <param name="Path">The run's path, [α, β] per recorded epoch, oldest first.</param>
/// <param name="PathEpochs">The epoch of each point of <paramref name="Path"/>.</param>
/// <param name="PathLosses">The training loss at each point of the path itself (not at its projection).</param>
/// <param name="ProjectionError">
/// How far the path lies off the plane: √(Σ residual²) / √(Σ ‖p − centre‖²) over the path, 0 when the
/// whole path lies in the plane, near 1 when the plane misses it (random directions in a large network).
/// </param>
public sealed record LandscapeReport(
    int Resolution,
    string Directions,
    double Span,
    double[] Alphas,
    double[] Betas,
    string Losses,
    double? CenterLoss,
    double? MinLoss,
    double? MaxLoss,
    double[][] Path,
    int[] PathEpochs,
    double?[] PathLosses,
    double ProjectionError);
