using System.Runtime.InteropServices;
using Backprop.NN;
using Backprop.Random;

namespace Backprop.Playground.Lab;

/// <summary>
/// A 2-D slice of a run's real training loss around its current weights (Li et al. 2018): the loss
/// at <c>W + α·U + β·V</c> over a grid, with the optimizer's recorded path projected onto the same
/// plane, and how far the path lies off it. The weights are put back exactly afterwards.
/// </summary>
public static class LossLandscape
{
    /// <summary>Computes the slice. Call it under the run's lock: it moves the model's weights and puts them back.</summary>
    /// <param name="layers">The model's Linear layers, input side first.</param>
    /// <param name="loss">The run's training loss for the weights the model holds now.</param>
    /// <param name="trajectory">The run's recorded path.</param>
    /// <param name="setup">The grid.</param>
    /// <exception cref="LabRequestException">The trajectory plane was asked for a run that has not trained yet.</exception>
    public static LandscapeReport Compute(IReadOnlyList<Linear> layers, Func<double> loss, Trajectory trajectory, LandscapeSetup setup)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(trajectory);
        ArgumentNullException.ThrowIfNull(setup);
        IReadOnlyList<(int Epoch, double[] Point)> path = trajectory.Points;
        double[] center = ParameterVector.Read(layers);
        var random = new NumpyRandom(setup.Seed);
        LandscapePlane plane;
        if (setup.Directions == "trajectory")
        {
            if (path.Count < 2) throw new LabRequestException("directions: the trajectory plane needs a run that has trained (step it first), or use random");
            plane = LandscapePlane.Trajectory(center, path[0].Point, path[path.Count / 2].Point, path[^1].Point, random);
        }
        else
        {
            plane = LandscapePlane.FilterNormalized(layers, random);
        }

        var projected = new double[path.Count][];
        double residuals = 0, distances = 0;
        for (int i = 0; i < path.Count; i++)
        {
            (double a, double b, double r) = plane.Project(path[i].Point);
            projected[i] = [a, b];
            residuals += r * r;
            for (int k = 0; k < center.Length; k++) distances += (path[i].Point[k] - center[k]) * (path[i].Point[k] - center[k]);
        }
        double span = setup.Span > 0 ? setup.Span
            : setup.Directions == "trajectory" ? Math.Max(1e-3, 1.25 * projected.Max(p => Math.Max(Math.Abs(p[0]), Math.Abs(p[1]))))
            : 1.0;

        int n = setup.Resolution;
        double[] axis = [.. Enumerable.Range(0, n).Select(i => span * ((2.0 * i / (n - 1)) - 1))];
        axis[n / 2] = 0; // exactly: the centre of the grid is the current weights, bit for bit
        float[] losses = Evaluate(layers, loss, plane, axis, axis);
        var pathLosses = new double?[path.Count];
        try
        {
            for (int i = 0; i < path.Count; i++)
            {
                ParameterVector.Write(layers, path[i].Point);
                double l = loss();
                pathLosses[i] = double.IsFinite(l) ? l : null;
            }
        }
        finally
        {
            ParameterVector.Write(layers, center);
        }
        double centerLoss = loss(); // last, so hooks that watch the forward pass see the current weights again
        float[] finite = [.. losses.Where(float.IsFinite)];
        return new LandscapeReport(n, setup.Directions, span, axis, axis,
            Encode(losses), double.IsFinite(centerLoss) ? centerLoss : null,
            finite.Length > 0 ? finite.Min() : null, finite.Length > 0 ? finite.Max() : null,
            projected, [.. path.Select(p => p.Epoch)], pathLosses,
            distances > 0 ? Math.Sqrt(residuals / distances) : 0);
    }

    /// <summary>
    /// The loss at every (alphas[col], betas[row]) of <paramref name="plane"/>, row-major; the
    /// model's weights are put back afterwards bit for bit (float → double → float is exact).
    /// </summary>
    /// <param name="layers">The model's Linear layers.</param>
    /// <param name="loss">The loss for the weights the model holds.</param>
    /// <param name="plane">The plane.</param>
    /// <param name="alphas">The columns.</param>
    /// <param name="betas">The rows.</param>
    public static float[] Evaluate(IReadOnlyList<Linear> layers, Func<double> loss, LandscapePlane plane, double[] alphas, double[] betas)
    {
        ArgumentNullException.ThrowIfNull(plane);
        ArgumentNullException.ThrowIfNull(alphas);
        ArgumentNullException.ThrowIfNull(betas);
        ArgumentNullException.ThrowIfNull(loss);
        double[] saved = ParameterVector.Read(layers);
        var losses = new float[alphas.Length * betas.Length];
        var weights = new double[saved.Length];
        try
        {
            for (int row = 0; row < betas.Length; row++)
            {
                for (int col = 0; col < alphas.Length; col++)
                {
                    plane.At(alphas[col], betas[row], weights);
                    ParameterVector.Write(layers, weights);
                    losses[(row * alphas.Length) + col] = (float)loss();
                }
            }
        }
        finally
        {
            ParameterVector.Write(layers, saved);
        }
        return losses;
    }

    /// <summary>float32 values as the wire carries them: base64 of little-endian bytes.</summary>
    /// <param name="values">The values.</param>
    public static string Encode(float[] values) => Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan()));
}
