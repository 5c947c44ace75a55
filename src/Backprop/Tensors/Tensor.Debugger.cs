using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Backprop;

[DebuggerDisplay("{DebuggerDisplay,nq}")]
[DebuggerTypeProxy(typeof(TensorDebugView))]
public partial class Tensor
{
    /// <summary>How many leading elements the debugger line shows.</summary>
    internal const int DebuggerElements = 6;

    /// <summary>
    /// One line for a debugger's variables window: type, shape, the first elements and the
    /// gradient state, e.g. <c>Float32 [2,3] {1, 2, 3, 4, 5, 6} grad_fn=MatMul</c>.
    /// </summary>
    internal string DebuggerDisplay
    {
        get
        {
            var text = new StringBuilder();
            text.Append(DType).Append(' ').Append(ShapeMath.Format(_shape)).Append(" {");
            double[] first = FirstElements(DebuggerElements);
            for (int i = 0; i < first.Length; i++)
            {
                if (i > 0) text.Append(", ");
                text.Append(DebuggerNumber(first[i]));
            }
            if (Count > first.Length) text.Append(", …");
            text.Append('}');
            if (GradFn is not null) text.Append(" grad_fn=").Append(GradFn.Name);
            else if (RequiresGrad) text.Append(" requires_grad");
            if (Grad is not null) text.Append(" grad=").Append(ShapeMath.Format(Grad.ShapeArray));
            return text.ToString();
        }
    }

    /// <summary>The first <paramref name="count"/> elements in row-major order, as doubles (reads no more than it shows).</summary>
    internal double[] FirstElements(int count)
    {
        int n = Math.Min(count, Count);
        var values = new double[n];
        if (n == 0) return values;
        int rank = Rank;
        var index = new int[rank];
        for (int k = 0; k < n; k++)
        {
            int at = _offset;
            for (int d = 0; d < rank; d++) at += index[d] * _strides[d];
            values[k] = _storage.Buffer switch
            {
                float[] f => f[at],
                double[] x => x[at],
                long[] l => l[at],
                bool[] b => b[at] ? 1 : 0,
                _ => double.NaN,
            };
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < _shape[d]) break;
                index[d] = 0;
            }
        }
        return values;
    }

    private string DebuggerNumber(double v) => DType switch
    {
        DType.Bool => v != 0 ? "True" : "False",
        DType.Int64 => v.ToString("0", CultureInfo.InvariantCulture),
        _ => v.ToString("G6", CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// What a debugger shows when a <see cref="Tensor"/> is expanded: its type, shape, elements (the
/// first <see cref="MaxElements"/>), gradient and where it came from, instead of its fields.
/// </summary>
/// <param name="tensor">The tensor shown.</param>
internal sealed class TensorDebugView(Tensor tensor)
{
    /// <summary>At most this many elements are listed.</summary>
    public const int MaxElements = 100;

    /// <summary>The element type.</summary>
    public DType DType => tensor.DType;

    /// <summary>The shape.</summary>
    public int[] Shape => [.. tensor.Shape];

    /// <summary>The first elements in row-major order (as doubles; Bool as 1 and 0).</summary>
    public double[] Values => tensor.FirstElements(MaxElements);

    /// <summary>Whether gradients flow to it.</summary>
    public bool RequiresGrad => tensor.RequiresGrad;

    /// <summary>The op that made it, or null for a leaf.</summary>
    public string? GradFn => tensor.Op;

    /// <summary>The accumulated gradient, if any.</summary>
    public Tensor? Grad => tensor.Grad;

    /// <summary>Whether it is laid out row-major without gaps.</summary>
    public bool IsContiguous => tensor.IsContiguous;

    /// <summary>How many in-place writes its storage has seen.</summary>
    public int Version => tensor.Version;
}
