using Backprop.Kernels;
namespace Backprop;

/// <summary>Internal helpers of the shape ops: views without autograd, copies, reducing a broadcast gradient.</summary>
internal static class ShapeOps
{
    /// <summary>A view of <paramref name="t"/> broadcast to <paramref name="shape"/> (stride 0 on repeated dimensions); no autograd.</summary>
    public static Tensor ExpandView(Tensor t, int[] shape)
    {
        int[] from = t.ShapeArray;
        if (shape.Length < from.Length)
            throw new ArgumentException($"Expand: cannot expand shape {ShapeMath.Format(from)} to {ShapeMath.Format(shape)} (fewer dimensions)");
        var strides = new int[shape.Length];
        int lead = shape.Length - from.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            if (i < lead) { strides[i] = 0; continue; }
            int size = from[i - lead];
            if (size == shape[i]) strides[i] = t.Strides[i - lead];
            else if (size == 1) strides[i] = 0;
            else throw new ArgumentException($"Expand: cannot expand shape {ShapeMath.Format(from)} to {ShapeMath.Format(shape)} (dimension {i}: {size} vs {shape[i]})");
        }
        return t.View((int[])shape.Clone(), strides, t.Offset);
    }

    /// <summary>A contiguous copy of <paramref name="t"/> with its own storage, recorded for autograd.</summary>
    public static Tensor Copy(Tensor t)
    {
        Tensor result = StridedCopy.Fresh(t);
        return TensorGraph.Record(result, "Copy", [t], [], g => [g]);
    }
}
