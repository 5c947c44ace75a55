using Backprop.Data;
using Backprop.Random;

namespace Backprop.Tests.Data;

/// <summary>RandomShift moves whole images by at most the given number of pixels, zero-filling, reproducibly.</summary>
public class RandomShiftTests
{
    [Fact]
    public void EveryImageIsItselfMovedByAtMostTheShift()
    {
        // Image n of 6x6 has pixel (r, c) = 1 + r·6 + c (all distinct), so each output row shows where it came from.
        float[] data = Enumerable.Range(0, 50 * 36).Select(i => (float)(1 + i % 36)).ToArray();
        Tensor batch = Tensor.FromArray(data, 50, 36);
        float[] shifted = new RandomShift(6, 2, new NumpyRandom(3)).Apply(batch).ToFloatArray();
        var seen = new HashSet<(int, int)>();
        for (int n = 0; n < 50; n++)
        {
            float[] image = shifted[(n * 36)..((n + 1) * 36)];
            // The shift is where input pixel (2, 2) (value 15) landed.
            int at = Array.IndexOf(image, 15f);
            int dy = at / 6 - 2, dx = at % 6 - 2;
            Assert.InRange(dy, -2, 2);
            Assert.InRange(dx, -2, 2);
            seen.Add((dy, dx));
            for (int r = 0; r < 6; r++)
            for (int c = 0; c < 6; c++)
            {
                int sr = r - dy, sc = c - dx;
                float expected = sr is >= 0 and < 6 && sc is >= 0 and < 6 ? 1 + sr * 6 + sc : 0;
                Assert.Equal(expected, image[r * 6 + c]);
            }
        }
        Assert.True(seen.Count > 10, $"only {seen.Count} distinct shifts in 50 images");
        Assert.Equal(shifted, new RandomShift(6, 2, new NumpyRandom(3)).Apply(batch).ToFloatArray()); // seeded
        Assert.Throws<ArgumentException>(() => new RandomShift(5, 2, new NumpyRandom(1)).Apply(batch));
    }
}
