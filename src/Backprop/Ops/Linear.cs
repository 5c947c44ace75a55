using System.Numerics;
using Backprop.Kernels;

namespace Backprop;

public partial class Tensor
{
    /// <summary>
    /// <c>this·weightᵀ + bias</c>, as PyTorch's <c>torch.nn.functional.linear</c>: the affine map
    /// of a <see cref="NN.Linear"/> layer, with the weight stored [out, in]. One recorded op
    /// instead of a matrix product, a transposed view and a broadcast add: the same numbers
    /// (the product is the same fused multiply-add chains, the bias is added after it), with
    /// d/dx = G·W, d/dW = Gᵀ·x and d/db = Σ rows of G computed straight into contiguous
    /// gradients.
    /// </summary>
    /// <remarks>
    /// A tiny training step (TF Playground's 8-unit layers on batches of 10) spends its time in
    /// the fixed cost of each recorded op and each backward rule, not in arithmetic, so a layer
    /// that is one op forward and one rule backward instead of six is several times cheaper.
    /// When the backward pass is itself recorded (<c>createGraph</c>), the rule is written with
    /// differentiable ops, so gradients of gradients work as for the composed form.
    /// </remarks>
    /// <param name="weight">The weight, [out, in].</param>
    /// <param name="bias">The bias, [out], or null.</param>
    /// <exception cref="ArgumentException">The shapes do not fit (the message names them), or the element types differ.</exception>
    public Tensor Linear(Tensor weight, Tensor? bias = null)
    {
        CheckLinear(weight, bias);
        if (Rank != 2)
        {
            // A single example or extra batch dimensions: the composed form (the same numbers).
            Tensor product = MatMul(weight.Transpose(0, 1));
            return bias is null ? product : product + bias;
        }
        Tensor result = LinearRows(weight, bias);
        // The rule is built only when it will be recorded: a grid of heatmaps under NoGrad runs
        // this op thousands of times a second.
        return TensorGraph.WillRecord(this, weight, bias) ? RecordLinear(result, this, weight, bias) : result;
    }

    /// <summary>Checks <see cref="Linear"/>'s operands: types, and shapes [..., in], [out, in], [out].</summary>
    private void CheckLinear(Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        DTypes.RequireSame("Linear", this, weight);
        if (bias is not null) DTypes.RequireSame("Linear", this, bias);
        if (weight.Rank != 2 || Rank == 0 || _shape[^1] != weight._shape[1])
            throw new ArgumentException($"Linear: input {ShapeMath.Format(_shape)} and weight {ShapeMath.Format(weight._shape)} do not fit; expected [..., in] and [out, in]");
        int outFeatures = weight._shape[0];
        if (bias is not null && (bias.Rank != 1 || bias._shape[0] != outFeatures))
            throw new ArgumentException($"Linear: bias {ShapeMath.Format(bias._shape)} does not match weight {ShapeMath.Format(weight._shape)}; expected [{outFeatures}]");
    }

    /// <summary><c>this·weightᵀ + bias</c> for a checked [rows, in] input, into a new tensor (nothing recorded).</summary>
    private Tensor LinearRows(Tensor weight, Tensor? bias)
    {
        int rows = _shape[0], inFeatures = _shape[1];
        Tensor result = UninitializedMatrix(DType, rows, weight._shape[0]);
        if (DType == DType.Float32)
            AffineRowsInto(Storage<float>().AsSpan(_offset), _strides[0], _strides[1], rows, inFeatures, weight, bias, result.Span<float>());
        else
            AffineRowsInto(Storage<double>().AsSpan(_offset), _strides[0], _strides[1], rows, inFeatures, weight, bias, result.Span<double>());
        return result;
    }

    /// <summary>
    /// <c>x·weightᵀ + bias</c> into <paramref name="z"/> ([rows, out], row-major), for a [rows, in]
    /// input read through its strides: a Linear layer's forward, and each layer of a stack
    /// (<see cref="LinearActivationStack"/>), so both compute the same bits.
    /// </summary>
    internal static void AffineRowsInto<T>(ReadOnlySpan<T> x, int xRowStride, int xColStride, int rows, int inFeatures,
        Tensor weight, Tensor? bias, Span<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Wᵀ read through W's own strides: element (p, j) of Wᵀ is W[j, p].
        MatMulKernel.MultiplyIntoFresh(x, xRowStride, xColStride, weight.Storage<T>().AsSpan(weight._offset), weight._strides[1], weight._strides[0],
            z, rows, weight._shape[0], inFeatures);
        if (bias is not null) BiasKernel.AddRows(z, StridedCopy.ToContiguous(bias).Span<T>());
    }

    private static Tensor RecordLinear(Tensor result, Tensor input, Tensor weight, Tensor? bias) =>
        TensorGraph.Record(result, new LinearGradFn(input, weight, bias));

    /// <summary>The gradients of <see cref="Linear"/>'s inputs, computed by the kernels directly (nothing recorded).</summary>
    internal static void LinearBackward(Tensor input, Tensor weight, Tensor? bias, Tensor g, Span<Tensor?> inputGrads)
    {
        if (input.DType == DType.Float32) LinearBackward(input, weight, bias, (ReadOnlySpan<float>)g.Span<float>(), inputGrads);
        else LinearBackward(input, weight, bias, (ReadOnlySpan<double>)g.Span<double>(), inputGrads);
    }

    /// <summary><see cref="LinearBackward(Tensor, Tensor, Tensor?, Tensor, Span{Tensor?})"/> from the output's gradient as a row-major [rows, out] span.</summary>
    internal static void LinearBackward<T>(Tensor input, Tensor weight, Tensor? bias, ReadOnlySpan<T> g, Span<Tensor?> grads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = input._shape[0];
        if (input.RequiresGrad)
        {
            Tensor gx = UninitializedLike(input);
            LinearInputGradient(g, weight, gx.Span<T>(), rows);
            grads[0] = gx;
        }
        if (weight.RequiresGrad) grads[1] = LinearWeightGradient(g, input.Storage<T>().AsSpan(input._offset), input._strides[0], input._strides[1], weight, rows);
        if (bias is not null && bias.RequiresGrad) grads[2] = LinearBiasGradient(g, bias, rows);
    }

    /// <summary>d/dx = G·W into <paramref name="gx"/> ([rows, in], row-major): the same product as G·(Wᵀ)ᵀ through the composed form's transposed views.</summary>
    internal static void LinearInputGradient<T>(ReadOnlySpan<T> g, Tensor weight, Span<T> gx, int rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outFeatures = weight._shape[0], inFeatures = weight._shape[1];
        MatMulKernel.MultiplyIntoFresh(g, outFeatures, 1, weight.Storage<T>().AsSpan(weight._offset), weight._strides[0], weight._strides[1],
            gx, rows, inFeatures, outFeatures);
    }

    /// <summary>d/dW = Gᵀ·x for the input read through its strides, laid out as the weight is ([out, in], contiguous): never copied to be made so.</summary>
    internal static Tensor LinearWeightGradient<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, int xRowStride, int xColStride, Tensor weight, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outFeatures = weight._shape[0], inFeatures = weight._shape[1];
        Tensor gw = UninitializedLike(weight);
        MatMulKernel.MultiplyIntoFresh(g, 1, outFeatures, x, xRowStride, xColStride, gw.Span<T>(), outFeatures, inFeatures, rows);
        return gw;
    }

    /// <summary>d/db: the column sums of G, by the same reduction (and so the same bits) as the broadcast add's SumTo.</summary>
    internal static Tensor LinearBiasGradient<T>(ReadOnlySpan<T> g, Tensor bias, int rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor gb = UninitializedLike(bias);
        ReduceKernels.Sum(g, gb.Span<T>(), 1, rows, bias._shape[0]);
        return gb;
    }
}
