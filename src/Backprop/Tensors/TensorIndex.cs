namespace Backprop;

/// <summary>
/// One position in a tensor indexer such as <c>x[2, 1..4]</c>: a single index (an
/// <see cref="int"/> or an <see cref="System.Index"/> such as <c>^1</c>), which removes its
/// dimension as <see cref="Tensor.Select(int, int)"/> does, or a <see cref="System.Range"/>, which keeps it
/// as <see cref="Tensor.Slice"/> does. Made implicitly from those types; not meant to be named.
/// </summary>
public readonly struct TensorIndex
{
    private readonly Index _index;
    private readonly Range _range;

    private TensorIndex(Index index, Range range, bool isRange)
    {
        _index = index;
        _range = range;
        IsRange = isRange;
    }

    /// <summary>Whether this is a range (keeps its dimension) rather than a single index (removes it).</summary>
    public bool IsRange { get; }

    /// <summary>The single index; meaningful when <see cref="IsRange"/> is false.</summary>
    public Index Index => _index;

    /// <summary>The range; meaningful when <see cref="IsRange"/> is true.</summary>
    public Range Range => _range;

    /// <summary>A single index; negative values count from the end, as in <see cref="Tensor.Select(int, int)"/>.</summary>
    /// <param name="index">The position.</param>
    public static implicit operator TensorIndex(int index) =>
        new(index < 0 ? System.Index.FromEnd(-index) : System.Index.FromStart(index), default, isRange: false);

    /// <summary>A single index, possibly from the end (<c>^1</c> is the last).</summary>
    /// <param name="index">The position.</param>
    public static implicit operator TensorIndex(Index index) => new(index, default, isRange: false);

    /// <summary>A range of positions (<c>1..4</c>, <c>..</c>, <c>^2..</c>).</summary>
    /// <param name="range">The positions.</param>
    public static implicit operator TensorIndex(Range range) => new(default, range, isRange: true);

    /// <summary>A single index (for languages without implicit conversions).</summary>
    /// <param name="index">The position.</param>
    public static TensorIndex FromInt32(int index) => index;

    /// <summary>A range (for languages without implicit conversions).</summary>
    /// <param name="range">The positions.</param>
    public static TensorIndex FromRange(Range range) => range;

    /// <summary>The index or range as C# writes it.</summary>
    public override string ToString() => IsRange ? _range.ToString() : _index.ToString();
}
