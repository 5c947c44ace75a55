using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>
/// <see cref="MatMulPacking.Pack{T}"/> against its definition, element by element, for every
/// panel width the kernels use and the widths around them: lines adjacent (a copy), depth
/// adjacent (a transpose: 8 × 8 blocks, 4 × 4 blocks, five to seven lines in one 8 × 8 block
/// with zeros, the rest one by one), and neither; zero padding in the last panel; and nothing
/// written past the packed size.
/// </summary>
public sealed unsafe class MatMulPackingTests
{
    private const float Guard = -12345f;

    public static TheoryData<int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int panelWidth in new[] { 4, 6, 8, 16, 32 })
        {
            foreach (int width in new[] { 1, 3, 4, 5, 6, 7, 8, 11, 13, 14, 15, 16, 17, 23, 40 })
            {
                if (width <= 2 * panelWidth + 7) data.Add(panelWidth, width, 1);
            }
        }
        foreach (int depth in new[] { 2, 7, 8, 9, 17, 31 }) data.Add(6, 6, depth);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PacksEveryLayoutAsDefinedAndWritesNothingBeyond(int panelWidth, int width, int depthCase)
    {
        int[] depths = depthCase == 1 ? [1, 5, 8, 13, 16, 19] : [depthCase];
        foreach (int depth in depths)
        {
            // (depthStride, lineStride): lines adjacent; depth adjacent (rows of a row-major A, Wᵀ); neither.
            foreach ((nint depthStride, nint lineStride) in new (nint, nint)[] { (width + 3, 1), (1, depth + 2), (2 * width + 1, 2) })
            {
                int extent = (int)((depth - 1) * depthStride + (width - 1) * lineStride + 1);
                float[] source = [.. Enumerable.Range(0, extent).Select(i => i * 0.5f + 1)];
                int panels = (width + panelWidth - 1) / panelWidth, size = panels * panelWidth * depth;
                var packed = new float[size + 16];
                Array.Fill(packed, Guard);
                fixed (float* src = source)
                fixed (float* dst = packed)
                    MatMulPacking.Pack(src, depthStride, lineStride, depth, width, panelWidth, dst);

                for (int q = 0; q < panels; q++)
                {
                    for (int p = 0; p < depth; p++)
                    {
                        for (int t = 0; t < panelWidth; t++)
                        {
                            int line = q * panelWidth + t;
                            float expected = line < width ? source[p * depthStride + line * lineStride] : 0f;
                            float actual = packed[q * depth * panelWidth + p * panelWidth + t];
                            Assert.True(expected == actual,
                                $"panel width {panelWidth}, {width} lines, depth {depth}, strides ({depthStride}, {lineStride}): panel {q}, p {p}, t {t}: {actual}, expected {expected}");
                        }
                    }
                }
                Assert.All(packed[size..], v => Assert.Equal(Guard, v));
            }
        }
    }
}
