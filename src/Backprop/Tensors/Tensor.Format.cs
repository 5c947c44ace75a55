using System.Globalization;
using System.Text;

namespace Backprop;

public partial class Tensor
{
    private const int SummariseAbove = 1000;
    private const int EdgeItems = 3;

    /// <summary>
    /// The elements nested by dimension, as NumPy prints arrays: aligned columns, up to 4
    /// decimals, and with more than 1,000 elements only the first and last three entries of each
    /// dimension around "...". The type and the op that made the tensor follow.
    /// </summary>
    public override string ToString()
    {
        double[] values = ToDoubleArray();
        bool summarise = values.Length > SummariseAbove;
        string[] cells = values.Select(FormatNumber).ToArray();
        int width = cells.Length == 0 ? 0 : cells.Max(c => c.Length);
        var text = new StringBuilder("tensor(");
        AppendDimension(text, cells, width, 0, 0, summarise, indent: 7);
        text.Append($", dtype={DType}");
        if (GradFn is not null) text.Append($", grad_fn={GradFn.Name}");
        else if (RequiresGrad) text.Append(", requires_grad=True");
        return text.Append(')').ToString();
    }

    private string FormatNumber(double v)
    {
        if (DType == DType.Int64) return v.ToString("0", CultureInfo.InvariantCulture);
        if (DType == DType.Bool) return v != 0 ? "True" : "False";
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        double magnitude = Math.Abs(v);
        if (magnitude != 0 && (magnitude >= 1e8 || magnitude < 1e-4)) return v.ToString("0.####e+00", CultureInfo.InvariantCulture);
        return v.ToString("0.0###", CultureInfo.InvariantCulture);
    }

    private void AppendDimension(StringBuilder text, string[] cells, int width, int dim, int start, bool summarise, int indent)
    {
        if (Rank == 0)
        {
            text.Append(cells[0]);
            return;
        }
        int size = _shape[dim];
        int stride = 1;
        for (int d = dim + 1; d < Rank; d++) stride *= _shape[d];
        text.Append('[');
        for (int i = 0; i < size; i++)
        {
            if (summarise && size > 2 * EdgeItems && i == EdgeItems)
            {
                text.Append(dim == Rank - 1 ? "..., " : "...,\n" + new string(' ', indent + dim + 1));
                i = size - EdgeItems;
            }
            if (dim == Rank - 1) text.Append(cells[start + i].PadLeft(width));
            else AppendDimension(text, cells, width, dim + 1, start + i * stride, summarise, indent);
            if (i < size - 1)
            {
                text.Append(',');
                text.Append(dim == Rank - 1 ? " " : new string('\n', Rank - dim - 1) + new string(' ', indent + dim + 1));
            }
        }
        text.Append(']');
    }
}
