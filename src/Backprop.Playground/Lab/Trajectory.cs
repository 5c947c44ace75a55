namespace Backprop.Playground.Lab;

/// <summary>
/// The parameters a run passed through, one point per epoch (the first being the initial
/// weights), kept within <see cref="Capacity"/> points by thinning: when full, every other
/// point goes and the stride doubles, so a long run keeps its whole path at a coarser grain and
/// memory stays flat.
/// </summary>
public sealed class Trajectory
{
    /// <summary>The most points kept.</summary>
    public const int Capacity = 256;

    private readonly List<(int Epoch, double[] Point)> _kept = [];
    private (int Epoch, double[] Point)? _latest;
    private int _stride = 1;
    private int _seen;

    /// <summary>The points kept, oldest first (the newest always last), with the epoch each was recorded at.</summary>
    public IReadOnlyList<(int Epoch, double[] Point)> Points =>
        _latest is { } latest && (_kept.Count == 0 || _kept[^1].Point != latest.Point) ? [.. _kept, latest] : _kept;

    /// <summary>Forgets everything (a rebuilt run starts a new path).</summary>
    public void Clear()
    {
        _kept.Clear();
        _latest = null;
        _stride = 1;
        _seen = 0;
    }

    /// <summary>Records the parameters after epoch <paramref name="epoch"/>.</summary>
    /// <param name="epoch">The epoch count when recorded (0 for the initial weights).</param>
    /// <param name="point">The flat parameters (<see cref="ParameterVector.Read"/>); the trajectory keeps the array.</param>
    public void Add(int epoch, double[] point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (_seen++ % _stride == 0) _kept.Add((epoch, point));
        _latest = (epoch, point);
        if (_kept.Count <= Capacity) return;
        // Full: keep every other point (the multiples of the doubled stride).
        for (int i = 0, j = 0; i < _kept.Count; i += 2, j++) _kept[j] = _kept[i];
        _kept.RemoveRange((_kept.Count + 1) / 2, _kept.Count - ((_kept.Count + 1) / 2));
        _stride *= 2;
    }
}
