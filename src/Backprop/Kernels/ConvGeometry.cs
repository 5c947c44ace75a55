namespace Backprop.Kernels;

/// <summary>
/// The sizes of one 2-D convolution, as every convolution kernel reads them: input
/// [N, C, H, W], weight [O, C/G, KH, KW], output [N, O, OH, OW], with stride, dilation, the
/// padding before the first row and column (after-padding is implied by OH and OW, so "same"
/// padding may be uneven), and G groups.
/// </summary>
/// <remarks>
/// Output position (oh, ow) reads input row <c>oh·StrideH - PadTop + kh·DilationH</c> and column
/// <c>ow·StrideW - PadLeft + kw·DilationW</c>; positions outside the input read zero.
/// </remarks>
internal readonly record struct ConvGeometry(
    int Batch, int Channels, int Height, int Width,
    int OutChannels, int KernelH, int KernelW,
    int StrideH, int StrideW, int PadTop, int PadLeft, int DilationH, int DilationW, int Groups,
    int OutHeight, int OutWidth)
{
    /// <summary>Input channels per group.</summary>
    public int GroupChannels => Channels / Groups;

    /// <summary>Output channels per group.</summary>
    public int GroupOutChannels => OutChannels / Groups;

    /// <summary>Rows of one group's column matrix: (C/G)·KH·KW, the length of one weight row.</summary>
    public int PatchSize => GroupChannels * KernelH * KernelW;

    /// <summary>Output positions per image, OH·OW: the columns of the column matrix.</summary>
    public int OutPlane => OutHeight * OutWidth;

    /// <summary>Input positions per channel, H·W.</summary>
    public int Plane => Height * Width;

    /// <summary>
    /// Whether the column matrix of a group is that group's input itself (1×1 kernel, stride 1,
    /// no padding): then the convolution is a plain matrix product and im2col is skipped.
    /// </summary>
    public bool IsPointwise => KernelH == 1 && KernelW == 1 && StrideH == 1 && StrideW == 1 && PadTop == 0 && PadLeft == 0
                               && OutHeight == Height && OutWidth == Width;

    /// <summary>Input shape [N, C, H, W].</summary>
    public int[] InputShape => [Batch, Channels, Height, Width];

    /// <summary>Weight shape [O, C/G, KH, KW].</summary>
    public int[] WeightShape => [OutChannels, GroupChannels, KernelH, KernelW];

    /// <summary>Output shape [N, O, OH, OW].</summary>
    public int[] OutputShape => [Batch, OutChannels, OutHeight, OutWidth];
}
