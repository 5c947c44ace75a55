using System.Runtime.CompilerServices;
using Backprop.Cli.Bench;

namespace Backprop.Tests.Engine;

/// <summary>
/// The tape behind <see cref="Value"/>: handles, the lifetime of recorded graphs, threads.
/// </summary>
public class TapeTests
{
    [Fact]
    public void HandlesOnOneNodeAreEqualAndShareDataGradAndLabel()
    {
        var a = new Value(2.0, "a");
        Value b = a * 3;
        Value input = b.Inputs[0];
        Assert.NotSame(a, input);
        Assert.Equal(a, input);
        Assert.Equal(a.GetHashCode(), input.GetHashCode());
        Assert.Equal("a", input.Label);
        input.Data = 5;
        input.Label = "renamed";
        Assert.Equal(5.0, a.Data);
        Assert.Equal("renamed", a.Label);
        b.Backward();
        Assert.Equal(3.0, input.Grad);
        Assert.NotEqual(a, new Value(5.0, "renamed"));
        Assert.False(a.Equals(null));
    }

    [Fact]
    public void ATrainingLoopDoesNotKeepEarlierStepsAlive()
    {
        Value[] parameters = Enumerable.Range(0, 20).Select(i => new Value(0.05 * i)).ToArray();
        WeakReference firstStep = TrainSteps(parameters, 1);
        TrainSteps(parameters, 20);
        Collect();
        Assert.False(firstStep.IsAlive, "the first step's graph is still reachable after 20 more steps");
    }

    [Fact]
    public void GraphsBuiltWithoutBackwardAreFreedOnceNoHandleRemains()
    {
        Value[] parameters = Enumerable.Range(0, 20).Select(i => new Value(0.05 * i)).ToArray();
        WeakReference first = ForwardOnly(parameters, 50);
        Collect();
        Assert.False(first.IsAlive, "a dropped forward-only graph is still reachable");
    }

    [Fact]
    public void ANodeMadeOnOneThreadFromANewerChunkOfAnotherIsStillSweptInOrder()
    {
        // p on this thread; c = p * 3 on another thread, in a chunk made after p's; then
        // d = c + p here. d must be recorded after c, or the sweep would run p's rule before
        // c has passed its share to p.
        var a = new Value(1.0);
        Value p = a * 2;
        Value c = null!;
        var other = new Thread(() => { c = p * 3; });
        other.Start();
        other.Join();
        Value d = c + p;
        d.Backward();
        Assert.Equal(8.0, a.Grad); // d = 3p + p = 8a
        Assert.Equal(4.0, p.Grad);
    }

    [Fact]
    public void ThreadsTrainingTheirOwnModelsGetTheSameResultsAsOneThread()
    {
        double[] alone = TrainDemo();
        var results = new double[4][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = TrainDemo());
        Assert.All(results, r => Assert.Equal(alone, r));

        static double[] TrainDemo()
        {
            var demo = new MicrogradDemo();
            return Enumerable.Range(0, 3).Select(_ => demo.Step().Loss.Data).ToArray();
        }
    }

    [Fact]
    public void RecycledChunksGiveTheSameGradientsAsFreshOnes()
    {
        // Enough graphs of a few full chunks each, with collections between, to reuse arrays.
        double[] first = Gradients();
        for (int i = 0; i < 5; i++)
        {
            Collect();
            Assert.Equal(first, Gradients());
        }

        static double[] Gradients()
        {
            Value[] leaves = Enumerable.Range(0, 10).Select(i => new Value(0.1 * i - 0.4)).ToArray();
            Value sum = leaves[0];
            for (int i = 0; i < 40_000; i++) sum += (leaves[i % 10] * leaves[(i * 3 + 1) % 10]).Tanh();
            sum.Backward();
            return Array.ConvertAll(leaves, l => l.Grad);
        }
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Runs <paramref name="steps"/> SGD steps on a loss of a few thousand nodes; returns a weak reference to the first step's chunk.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference TrainSteps(Value[] parameters, int steps)
    {
        WeakReference? first = null;
        for (int step = 0; step < steps; step++)
        {
            Value loss = Loss(parameters);
            first ??= new WeakReference(loss.Chunk);
            loss.Backward();
            foreach (Value p in parameters)
            {
                p.Data -= 0.01 * p.Grad;
                p.Grad = 0;
            }
        }
        return first!;
    }

    /// <summary>Builds <paramref name="graphs"/> losses and reads them, never calling Backward; returns a weak reference to the first one's chunk.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference ForwardOnly(Value[] parameters, int graphs)
    {
        WeakReference? first = null;
        double total = 0;
        for (int i = 0; i < graphs; i++)
        {
            Value loss = Loss(parameters);
            first ??= new WeakReference(loss.Chunk);
            total += loss.Data;
        }
        Assert.True(double.IsFinite(total));
        return first!;
    }

    private static Value Loss(Value[] parameters)
    {
        Value sum = parameters[0] * 0.0;
        for (int i = 0; i < 3000; i++) sum += (parameters[i % parameters.Length] * parameters[(i * 7 + 3) % parameters.Length]).Tanh();
        return sum * (1.0 / 3000);
    }
}
