using Backprop.Kernels;
using System.Numerics.Tensors;

namespace Backprop;

// In-place updates, for optimizers and for initialising parameters. They change storage that
// recorded graphs may have saved, so on a tensor that requires grad they are allowed only
// inside Autograd.NoGrad(), as in PyTorch; and each bumps the storage's version, so that a
// backward rule that saved the old values refuses to run on the new ones.

public partial class Tensor
{
    /// <summary><c>this += alpha · other</c> in place (other broadcast to this shape); returns this tensor.</summary>
    /// <param name="other">The tensor to add.</param>
    /// <param name="alpha">Its factor.</param>
    /// <exception cref="InvalidOperationException">This tensor requires grad and grad mode is on, or it is a view that is not contiguous.</exception>
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        CheckInPlace("AddInPlace");
        DTypes.RequireSame("AddInPlace", this, other);
        Tensor source = ShapeMath.Same(other._shape, _shape) ? StridedCopy.ToContiguous(other) : StridedCopy.ToContiguous(ShapeOps.ExpandView(other, _shape));
        if (DType == DType.Float32)
        {
            Span<float> target = Span<float>();
            if (alpha == 1) TensorPrimitives.Add(target, source.Span<float>(), target);
            else TensorPrimitives.MultiplyAdd(source.Span<float>(), (float)alpha, target, target);
        }
        else
        {
            Span<double> target = Span<double>();
            if (alpha == 1) TensorPrimitives.Add(target, source.Span<double>(), target);
            else TensorPrimitives.MultiplyAdd(source.Span<double>(), alpha, target, target);
        }
        BumpVersion();
        return this;
    }

    /// <summary><c>this *= factor</c> in place; returns this tensor.</summary>
    /// <param name="factor">The factor.</param>
    public Tensor MulInPlace(double factor)
    {
        CheckInPlace("MulInPlace");
        DTypes.RequireFloat("MulInPlace", this);
        if (DType == DType.Float32) TensorPrimitives.Multiply(Span<float>(), (float)factor, Span<float>());
        else TensorPrimitives.Multiply(Span<double>(), factor, Span<double>());
        BumpVersion();
        return this;
    }

    /// <summary>Copies <paramref name="source"/>'s elements (same shape and type) into this tensor; returns this tensor.</summary>
    /// <param name="source">The values.</param>
    public Tensor CopyFrom(Tensor source)
    {
        CheckInPlace("CopyFrom");
        if (source.DType != DType || !ShapeMath.Same(source._shape, _shape))
            throw new ArgumentException($"CopyFrom: source is {source.DType} {ShapeMath.Format(source._shape)}, this tensor {DType} {ShapeMath.Format(_shape)}");
        Tensor contiguous = StridedCopy.ToContiguous(source);
        Array.Copy(contiguous.StorageArray, contiguous.Offset, StorageArray, _offset, Count);
        BumpVersion();
        return this;
    }

    private void CheckInPlace(string op)
    {
        if (RequiresGrad && Autograd.IsGradEnabled)
            throw new InvalidOperationException($"{op}: the tensor requires grad; update it inside Autograd.NoGrad() (as optimizers do)");
        if (!IsContiguous)
            throw new InvalidOperationException($"{op}: the tensor is a non-contiguous view of shape {ShapeMath.Format(_shape)}");
    }
}
