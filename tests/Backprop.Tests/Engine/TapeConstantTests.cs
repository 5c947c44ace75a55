using System.Runtime.CompilerServices;

namespace Backprop.Tests.Engine;

/// <summary>
/// The 24-byte tape node and its chunk's table of constants: the constant of <c>a + k</c>,
/// <c>a * k</c> and <c>a ** k</c> lives in <c>TapeChunk.Constants</c>, each distinct number
/// usually once, and the node holds its index. Every reader (Op, LocalDerivatives, Evaluate,
/// the backward pass) must still see each node's own constant, bit for bit.
/// </summary>
public class TapeConstantTests
{
    [Fact]
    public void ANodeTakesTwentyFourBytes()
    {
        // The chain's 3,000,000 nodes: 72 MB of node arrays (96 MB at 32 bytes a node).
        Assert.Equal(24, Unsafe.SizeOf<TapeNode>());
    }

    [Fact]
    public void AnInputCodeCanNameEveryChunkAFullChunkCanReadFrom()
    {
        // A node's two input codes share one word with its op (28 bits each): the chunk index
        // above the slot must reach every chunk that 8,192 two-input nodes can read from, plus
        // the chunk itself, so that TapeChunk's guard against a full dependency list never fires.
        Assert.True(TapeChunk.MaxDependencies > 2 * TapeChunk.MaxCapacity + 1);
        Assert.Equal(TapeNode.CodeBits, TapeChunk.SlotBits + System.Numerics.BitOperations.Log2((uint)TapeChunk.MaxDependencies));
    }

    [Fact]
    public void TheChainStoresEachOfItsTwoConstantsOncePerChunk()
    {
        Tape.Seal();
        var x = new Value(1.0);
        Value y = x;
        for (int i = 0; i < 2000; i++) y = (y * 1.0001 + 0.5).Relu(); // 6,000 nodes over several chunks
        var seen = new HashSet<TapeChunk>();
        foreach (Value node in ValueGraph.Nodes(y))
        {
            if (node.IsLeaf || !seen.Add(node.Chunk)) continue;
            double[] distinct = node.Chunk.Constants.Where(k => k is 1.0001 or 0.5).Distinct().ToArray();
            Assert.Equal(2, distinct.Length);
            Assert.True(node.Chunk.Constants.Length <= 8, $"{node.Chunk.Constants.Length} constants stored for two");
        }
        Assert.True(seen.Count > 3, $"the chain took {seen.Count} chunks");
        y.Backward();
        Assert.Equal(Math.Pow(1.0001, 2000), x.Grad, 1e-12);
    }

    [Fact]
    public void EveryNodeKeepsItsOwnConstantWhenThousandsAreDistinct()
    {
        // 20,000 distinct constants (more than the lookup table's entries, and more than one
        // chunk): each node's Op, local derivative and Evaluate use its own constant.
        Tape.Seal();
        var x = new Value(0.75);
        var products = new Value[20_000];
        for (int i = 0; i < products.Length; i++) products[i] = x * Constant(i);
        for (int i = 0; i < products.Length; i++)
        {
            double k = Constant(i);
            Assert.Equal("*" + k.ToString("R", System.Globalization.CultureInfo.InvariantCulture), products[i].Op);
            Assert.Equal(k, products[i].LocalDerivatives[0]);
            Assert.Equal(2.0 * k, products[i].Evaluate([2.0]));
            Assert.Equal(0.75 * k, products[i].Data);
        }
        // d/dx of products[i] alone is its constant, exactly.
        foreach (int i in new[] { 0, 15, 16, 8191, 8192, 19_999 })
        {
            x.Grad = 0;
            products[i].Backward();
            Assert.Equal(Constant(i), x.Grad);
        }

        static double Constant(int i) => 1.0 + i * 1e-3;
    }

    [Fact]
    public void NegativeZeroAndZeroAreDifferentConstants()
    {
        // Compared bit for bit: a table that took -0.0 for 0.0 would flip the gradient's sign.
        Tape.Seal();
        var a = new Value(3.0);
        Value plus = a * 0.0;
        Value minus = a * -0.0;
        Value power = a.Pow(-0.0);
        Assert.Equal("*0", plus.Op);
        Assert.Equal("*-0", minus.Op);
        Assert.Equal("**-0", power.Op);
        // A leaf adds to its gradient, and +0 + -0 is +0: start from -0 so that the sign shows.
        a.Grad = -0.0;
        minus.Backward();
        Assert.True(double.IsNegative(a.Grad) && a.Grad == 0, $"d(a * -0.0)/da = {a.Grad:R}, expected -0");
        a.Grad = -0.0;
        plus.Backward();
        Assert.True(!double.IsNegative(a.Grad) && a.Grad == 0, $"d(a * 0.0)/da = {a.Grad:R}, expected +0");
    }

    [Fact]
    public void ConstantsOfAPowerAndASumMatchFiniteDifferences()
    {
        // y = Σ (x * k_i + c_i) ** p_i with constants that repeat in a pattern the table must
        // not confuse (three ops, alternating values).
        Tape.Seal();
        double[] k = [1.5, -2.0, 0.25], c = [0.5, 0.125, -1.0], p = [2.0, 3.0, -1.0];
        double x0 = 0.8;
        var x = new Value(x0);
        Value y = Build(x);
        y.Backward();
        double h = 1e-6;
        double numeric = (Build(new Value(x0 + h)).Data - Build(new Value(x0 - h)).Data) / (2 * h);
        double analytic = 0;
        for (int i = 0; i < 300; i++)
        {
            double inner = x0 * k[i % 3] + c[i % 2];
            analytic += p[i % 3] * Math.Pow(inner, p[i % 3] - 1) * k[i % 3];
        }
        Assert.True(Math.Abs(x.Grad - analytic) <= 1e-12 * Math.Abs(analytic), $"got {x.Grad:R}, closed form {analytic:R}");
        Assert.True(Math.Abs(x.Grad - numeric) <= 1e-7 * Math.Abs(analytic), $"got {x.Grad:R}, finite difference {numeric:R}");

        Value Build(Value input)
        {
            Value sum = input * 0.0;
            for (int i = 0; i < 300; i++) sum += (input * k[i % 3] + c[i % 2]).Pow(p[i % 3]);
            return sum;
        }
    }
}
