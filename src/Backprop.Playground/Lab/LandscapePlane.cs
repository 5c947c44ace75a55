using Backprop.NN;
using Backprop.Random;

namespace Backprop.Playground.Lab;

/// <summary>
/// A plane in parameter space, <c>center + α·U + β·V</c>, along which the loss landscape is cut,
/// and the projection of points (an optimizer's path) onto it.
/// </summary>
/// <param name="Center">The point at α = β = 0: the run's current parameters.</param>
/// <param name="U">The first direction (α).</param>
/// <param name="V">The second direction (β).</param>
public sealed record LandscapePlane(double[] Center, double[] U, double[] V)
{
    /// <summary>
    /// Two random directions, filter-normalised as Li et al. (2018) do: each neuron's incoming
    /// weights (a row of a weight matrix, the "filter" of a fully connected layer) get a
    /// Gaussian direction scaled to that row's norm, so a step of 1 along it changes every neuron
    /// by as much as its own size, whatever the layer's scale. Biases get no direction (Li et al.'s
    /// default, <c>ignore='biasbn'</c>).
    /// </summary>
    /// <param name="layers">The Linear layers, input side first.</param>
    /// <param name="random">Where the directions come from.</param>
    public static LandscapePlane FilterNormalized(IReadOnlyList<Linear> layers, NumpyRandom random)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(random);
        double[] center = ParameterVector.Read(layers);
        return new LandscapePlane(center, Direction(layers, center, random), Direction(layers, center, random));
    }

    private static double[] Direction(IReadOnlyList<Linear> layers, double[] center, NumpyRandom random)
    {
        var d = new double[center.Length];
        int at = 0;
        foreach (Linear layer in layers)
        {
            for (int row = 0; row < layer.OutFeatures; row++)
            {
                int start = at + (row * layer.InFeatures);
                double[] g = random.Randn(layer.InFeatures);
                double gNorm = Math.Sqrt(g.Sum(v => v * v)), wNorm = 0;
                for (int k = 0; k < layer.InFeatures; k++) wNorm += center[start + k] * center[start + k];
                wNorm = Math.Sqrt(wNorm);
                for (int k = 0; k < layer.InFeatures; k++) d[start + k] = gNorm == 0 ? 0 : g[k] / gNorm * wNorm;
            }
            at += (layer.InFeatures * layer.OutFeatures) + layer.OutFeatures; // the biases stay 0
        }
        return d;
    }

    /// <summary>
    /// The plane through three points of a trajectory (first, middle, last), by Gram–Schmidt:
    /// U along last − first, V the part of middle − first orthogonal to U, both unit length. When
    /// the three points are on one line (or the run has not moved), V (or both) is a unit random
    /// direction orthogonal to U, so the plane still exists and still contains the line.
    /// </summary>
    /// <param name="center">The plane's origin: the current parameters (on the plane when they are one of the three points).</param>
    /// <param name="first">The first point of the trajectory.</param>
    /// <param name="middle">The middle point.</param>
    /// <param name="last">The last point.</param>
    /// <param name="random">For the fallback direction.</param>
    public static LandscapePlane Trajectory(double[] center, double[] first, double[] middle, double[] last, NumpyRandom random)
    {
        ArgumentNullException.ThrowIfNull(center);
        ArgumentNullException.ThrowIfNull(random);
        double[] u = Subtract(last, first);
        if (!Normalize(u)) u = RandomUnit(center.Length, random, []);
        double[] v = Subtract(middle, first);
        RemoveComponent(v, u);
        if (!Normalize(v)) v = RandomUnit(center.Length, random, [u]);
        return new LandscapePlane(center, u, v);
    }

    /// <summary>The parameters at (α, β) into <paramref name="into"/>.</summary>
    /// <param name="alpha">The step along <see cref="U"/>.</param>
    /// <param name="beta">The step along <see cref="V"/>.</param>
    /// <param name="into">Room for <see cref="Center"/>'s length.</param>
    public void At(double alpha, double beta, Span<double> into)
    {
        for (int i = 0; i < Center.Length; i++) into[i] = Center[i] + (alpha * U[i]) + (beta * V[i]);
    }

    /// <summary>
    /// The point of the plane nearest <paramref name="point"/> (least squares, so U and V need
    /// not be orthogonal): its (α, β) and the distance left over.
    /// </summary>
    /// <param name="point">A point of parameter space.</param>
    public (double Alpha, double Beta, double Residual) Project(double[] point)
    {
        ArgumentNullException.ThrowIfNull(point);
        double uu = 0, uv = 0, vv = 0, pu = 0, pv = 0;
        for (int i = 0; i < point.Length; i++)
        {
            double p = point[i] - Center[i];
            uu += U[i] * U[i];
            uv += U[i] * V[i];
            vv += V[i] * V[i];
            pu += p * U[i];
            pv += p * V[i];
        }
        double det = (uu * vv) - (uv * uv);
        double alpha = det == 0 ? 0 : ((pu * vv) - (pv * uv)) / det;
        double beta = det == 0 ? 0 : ((pv * uu) - (pu * uv)) / det;
        double residual = 0;
        for (int i = 0; i < point.Length; i++)
        {
            double r = point[i] - Center[i] - (alpha * U[i]) - (beta * V[i]);
            residual += r * r;
        }
        return (alpha, beta, Math.Sqrt(residual));
    }

    private static double[] Subtract(double[] a, double[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new double[a.Length];
        for (int i = 0; i < a.Length; i++) d[i] = a[i] - b[i];
        return d;
    }

    private static void RemoveComponent(double[] v, double[] unit)
    {
        double dot = 0;
        for (int i = 0; i < v.Length; i++) dot += v[i] * unit[i];
        for (int i = 0; i < v.Length; i++) v[i] -= dot * unit[i];
    }

    /// <summary>Scales <paramref name="v"/> to length 1; false when it is (numerically) zero.</summary>
    private static bool Normalize(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        if (!(norm > 1e-12)) return false;
        for (int i = 0; i < v.Length; i++) v[i] /= norm;
        return true;
    }

    private static double[] RandomUnit(int length, NumpyRandom random, double[][] orthogonalTo)
    {
        double[] v = random.Randn(length);
        foreach (double[] u in orthogonalTo) RemoveComponent(v, u);
        Normalize(v);
        return v;
    }
}
