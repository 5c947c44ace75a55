using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// What a traced op needs besides its name and inputs to be reproduced elsewhere (ONNX): one
/// small record per kind, made only while a <see cref="GraphTrace"/> is active.
/// </summary>
internal abstract record OpAttributes;

/// <summary>One dimension (Softmax, LogSoftmax, Cat).</summary>
/// <param name="Axis">The dimension, normalised to be non-negative.</param>
internal sealed record AxisAttributes(int Axis) : OpAttributes;

/// <summary>One number (LeakyRelu's negative slope).</summary>
/// <param name="Value">The number.</param>
internal sealed record ScalarAttributes(double Value) : OpAttributes;

/// <summary>A permutation of the dimensions (Permute, Transpose).</summary>
/// <param name="Order">Dimension i of the result is dimension Order[i] of the input.</param>
internal sealed record PermutationAttributes(int[] Order) : OpAttributes;

/// <summary>Reduced dimensions (Sum).</summary>
/// <param name="Dims">The reduced dimensions, non-negative.</param>
/// <param name="KeepDim">Whether they stay with size 1.</param>
internal sealed record ReductionAttributes(int[] Dims, bool KeepDim) : OpAttributes;

/// <summary>An Int64 index tensor and the dimension it indexes (IndexSelect, Gather).</summary>
/// <param name="Axis">The dimension, non-negative.</param>
/// <param name="Index">The indices (a constant, or a tensor the trace made).</param>
internal sealed record IndexAttributes(int Axis, Tensor Index) : OpAttributes;

/// <summary>A convolution's geometry (Conv2d; ConvTranspose2d, whose geometry is that of the convolution it inverts).</summary>
/// <param name="Geometry">Kernel, strides, padding, dilation and groups, with the traced sizes.</param>
internal sealed record ConvAttributes(ConvGeometry Geometry) : OpAttributes;

/// <summary>A pooling window (MaxPool2d, AvgPool2d).</summary>
/// <param name="Kernel">Window height and width.</param>
/// <param name="Stride">Step between windows.</param>
/// <param name="Padding">Padding on every side.</param>
/// <param name="Dilation">Spacing between window elements (1 for average pooling).</param>
/// <param name="CountIncludePad">Whether padded zeros count in an average's divisor.</param>
/// <param name="CeilMode">Whether the output size was rounded up (a last, partial window).</param>
internal sealed record PoolAttributes(int Kernel, int Stride, int Padding, int Dilation, bool CountIncludePad, bool CeilMode = false) : OpAttributes;

/// <summary>Adaptive average pooling's output size.</summary>
/// <param name="Height">Output height.</param>
/// <param name="Width">Output width.</param>
internal sealed record AdaptivePoolAttributes(int Height, int Width) : OpAttributes;

/// <summary>A normalisation (LayerNorm, BatchNorm in evaluation).</summary>
/// <param name="Axis">LayerNorm: the first normalised dimension (negative, from the end); BatchNorm: the channel dimension, 1.</param>
/// <param name="Epsilon">Added to the variance.</param>
internal sealed record NormalizationAttributes(int Axis, double Epsilon) : OpAttributes;
