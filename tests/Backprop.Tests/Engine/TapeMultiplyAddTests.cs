using Backprop.Cli.Bench;
using Backprop.Tests.Support;

namespace Backprop.Tests.Engine;

/// <summary>
/// <c>Tape.MultiplyAdd</c>, the handle-free recording of <c>sum = start; sum += a[i] * b[i]</c>
/// (and an optional ReLU) that the scalar <c>Neuron</c> and the max-margin loss use: it must
/// record the very nodes the operators record, in the same order, with the same numbers.
/// </summary>
public class TapeMultiplyAddTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(16, true)]
    [InlineData(300, false)] // 600 nodes: more than the first chunk after a seal (256) holds
    [InlineData(5000, true)]
    public void RecordsTheSameGraphNumbersAndGradientsAsTheOperators(int n, bool relu)
    {
        (Value[] w, Value[] x, Value bias) = Factors(n, seed: n);
        SealTape();
        Value fused = Tape.MultiplyAdd(bias, w, x, relu);
        Value fusedLoss = fused * 0.5;
        List<Value> fusedNodes = ValueGraph.Nodes(fusedLoss);
        fusedLoss.Backward();
        double[] fusedGrads = Grads(w, x, bias);
        double[] fusedNodeGrads = fusedNodes.Select(v => v.Grad).ToArray();

        Zero(w, x, bias);
        SealTape();
        Value sum = bias;
        for (int i = 0; i < n; i++) sum += w[i] * x[i];
        Value plain = relu ? sum.Relu() : sum;
        Value plainLoss = plain * 0.5;
        List<Value> plainNodes = ValueGraph.Nodes(plainLoss);
        plainLoss.Backward();

        Assert.Equal(BitConverter.DoubleToInt64Bits(plain.Data), BitConverter.DoubleToInt64Bits(fused.Data));
        Assert.Equal(plainNodes.Count, fusedNodes.Count);
        Assert.Equal(2 * n + 1 + (relu ? 1 : 0) + 2 * n + 1, plainNodes.Count); // n products, n sums, the loss, the ReLU; 2n + 1 leaves
        for (int i = 0; i < plainNodes.Count; i++)
        {
            Assert.Equal(plainNodes[i].Op, fusedNodes[i].Op);
            Assert.Equal(plainNodes[i].Data, fusedNodes[i].Data);
            Assert.Equal(plainNodes[i].Grad, fusedNodeGrads[i]);
            Assert.Equal(plainNodes[i].Inputs.Count, fusedNodes[i].Inputs.Count);
        }
        Assert.Equal(Grads(w, x, bias), fusedGrads);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        // f = relu(b + Σ wᵢ·xᵢ)², all factors leaves; b chosen so the ReLU passes.
        (Value[] w, Value[] x, Value bias) = Factors(7, seed: 3);
        bias.Data = 10;
        Value[] all = [.. w, .. x, bias];
        Value Loss() => Tape.MultiplyAdd(bias, w, x, relu: true).Pow(2);

        Loss().Backward();
        double[] analytic = Array.ConvertAll(all, v => v.Grad);
        double[] numeric = FiniteDifference.Gradient(values =>
        {
            for (int i = 0; i < values.Length; i++) all[i].Data = values[i];
            return Loss().Data;
        }, Array.ConvertAll(all, v => v.Data));
        FiniteDifference.AssertClose(analytic, numeric, what: "MultiplyAdd");

        // Closed form: d/dwᵢ = 2·s·xᵢ with s = b + Σ wᵢ·xᵢ.
        double s = bias.Data + w.Zip(x, (a, b) => a.Data * b.Data).Sum();
        foreach (Value v in all) v.Grad = 0;
        Loss().Backward();
        for (int i = 0; i < w.Length; i++) Assert.True(Math.Abs(2 * s * x[i].Data - w[i].Grad) <= 1e-12 * Math.Abs(2 * s), $"d/dw[{i}] = {w[i].Grad:R}");
    }

    [Fact]
    public void AReluThatCutsPassesNoGradient()
    {
        var w = new Value[] { new(2.0), new(-3.0) };
        var x = new Value[] { new(1.0), new(1.0) };
        var bias = new Value(0.5);
        Value output = Tape.MultiplyAdd(bias, w, x, relu: true); // relu(0.5 + 2 - 3) = 0
        output.Backward();
        Assert.Equal(0.0, output.Data);
        Assert.Equal("ReLU", output.Op);
        Assert.All(w, v => Assert.Equal(0.0, v.Grad));
        Assert.Equal(0.0, bias.Grad);
    }

    [Fact]
    public void AFactorFromANewerChunkOfAnotherThreadStartsANewChunk()
    {
        // y = p * 3 is recorded on another thread, in a chunk made after this thread's current
        // one; a sum over it must move on to a newer chunk so that the sweep stays in order.
        var a = new Value(1.0);
        Value p = a * 2;
        Value y = null!;
        var other = new Thread(() => { y = p * 3; });
        other.Start();
        other.Join();
        var w = new Value(0.5);
        Value output = Tape.MultiplyAdd(p, [w, w], [y, p]); // p + 0.5·6a + 0.5·2a = 6a
        output.Backward();
        Assert.Equal(6.0, output.Data);
        Assert.Equal(6.0, a.Grad);
        Assert.Equal(8.0, w.Grad); // y + p
    }

    [Fact]
    public void EmptyFactorsGiveTheStartOrItsRelu()
    {
        var start = new Value(-2.0);
        Assert.Same(start, Tape.MultiplyAdd(start, [], []));
        Value cut = Tape.MultiplyAdd(start, [], [], relu: true);
        Assert.Equal("ReLU", cut.Op);
        Assert.Equal(0.0, cut.Data);
    }

    [Fact]
    public void FactorsOfDifferentCountsAreAnErrorNamingBoth()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Tape.MultiplyAdd(new Value(0), [new Value(1)], []));
        Assert.Contains("1 left factors and 0 right factors", e.Message);
    }

    [Fact]
    public void ATrainingLoopReusesNodeArraysInsteadOfAllocatingFreshOnes()
    {
        // The demo step records about 65,600 nodes (2 MB of node arrays) and makes few handles;
        // without the pool's collection the arrays of dead steps would come back only at the
        // rare collections, and each step would allocate (and fault in) 2 MB afresh.
        var demo = new MicrogradDemo();
        for (int i = 0; i < 20; i++) demo.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int steps = 40;
        for (int i = 0; i < steps; i++) demo.Step();
        double perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)steps;
        Assert.True(perStep < 1_000_000, $"{perStep:N0} bytes allocated a step");
    }

    private static (Value[] W, Value[] X, Value Bias) Factors(int n, int seed)
    {
        var random = new System.Random(seed);
        Value[] w = Enumerable.Range(0, n).Select(_ => new Value(random.NextDouble() * 2 - 1)).ToArray();
        Value[] x = Enumerable.Range(0, n).Select(_ => new Value(random.NextDouble() * 2 - 1)).ToArray();
        return (w, x, new Value(n % 2 == 0 ? 0.25 : -0.125));
    }

    private static double[] Grads(Value[] w, Value[] x, Value bias) => [.. w.Select(v => v.Grad), .. x.Select(v => v.Grad), bias.Grad];

    private static void Zero(Value[] w, Value[] x, Value bias)
    {
        foreach (Value v in w.Concat(x).Append(bias)) v.Grad = 0;
    }

    /// <summary>Starts a new run of chunks on this thread (what every Backward does).</summary>
    private static void SealTape() => new Value(0).Backward();
}
