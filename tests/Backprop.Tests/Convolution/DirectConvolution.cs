namespace Backprop.Tests.Convolution;

/// <summary>The textbook convolution loops, in double, as the reference the fast kernels must agree with.</summary>
internal static class DirectConvolution
{
    /// <summary>
    /// y[n, o, i, j] = b[o] + Σ over c in o's group, kh, kw of w[o, c, kh, kw]·x[n, g·C/G + c, i·sh - top + kh·dh, j·sw - left + kw·dw]
    /// (zero outside), for output [N, O, oh, ow].
    /// </summary>
    public static double[] Conv2d(double[] x, int[] xShape, double[] w, int[] wShape, double[]? b,
        int sh, int sw, int top, int left, int dh, int dw, int groups, int oh, int ow)
    {
        int n = xShape[0], c = xShape[1], h = xShape[2], wd = xShape[3];
        int o = wShape[0], cg = wShape[1], kh = wShape[2], kw = wShape[3], og = o / groups;
        var y = new double[n * o * oh * ow];
        for (int b0 = 0; b0 < n; b0++)
        for (int oc = 0; oc < o; oc++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double sum = b?[oc] ?? 0;
            int group = oc / og;
            for (int ci = 0; ci < cg; ci++)
            for (int p = 0; p < kh; p++)
            for (int q = 0; q < kw; q++)
            {
                int r = i * sh - top + p * dh, s = j * sw - left + q * dw;
                if (r < 0 || r >= h || s < 0 || s >= wd) continue;
                sum += w[((oc * cg + ci) * kh + p) * kw + q] * x[((b0 * c + group * cg + ci) * h + r) * wd + s];
            }
            y[((b0 * o + oc) * oh + i) * ow + j] = sum;
        }
        return y;
    }

    /// <summary>
    /// The transposed convolution as a scatter: every input element adds x·w into the output
    /// positions its kernel covers, then the padding is cropped. Input [N, Cin, H, W], weight
    /// [Cin, Cout/G, kH, kW], output [N, Cout, oh, ow].
    /// </summary>
    public static double[] ConvTranspose2d(double[] x, int[] xShape, double[] w, int[] wShape,
        int stride, int padding, int dilation, int groups, int oh, int ow)
    {
        int n = xShape[0], cin = xShape[1], h = xShape[2], wd = xShape[3];
        int cog = wShape[1], kh = wShape[2], kw = wShape[3], cout = cog * groups, cig = cin / groups;
        var y = new double[n * cout * oh * ow];
        for (int b0 = 0; b0 < n; b0++)
        for (int ci = 0; ci < cin; ci++)
        for (int i = 0; i < h; i++)
        for (int j = 0; j < wd; j++)
        for (int co = 0; co < cog; co++)
        for (int p = 0; p < kh; p++)
        for (int q = 0; q < kw; q++)
        {
            int r = i * stride - padding + p * dilation, s = j * stride - padding + q * dilation;
            if (r < 0 || r >= oh || s < 0 || s >= ow) continue;
            int oc = ci / cig * cog + co;
            y[((b0 * cout + oc) * oh + r) * ow + s] += x[((b0 * cin + ci) * h + i) * wd + j] * w[((ci * cog + co) * kh + p) * kw + q];
        }
        return y;
    }
}
