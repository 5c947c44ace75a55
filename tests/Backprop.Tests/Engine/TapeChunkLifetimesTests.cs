using System.Runtime.CompilerServices;
using Backprop.Tests.Support;

namespace Backprop.Tests.Engine;

/// <summary>
/// How the blocks of dead chunks come back (<see cref="TapeChunkLifetimes"/>): through weak
/// handles the collection itself clears, so the thread that collects takes them at once.
/// </summary>
[Collection(nameof(ProcessStateCollection))] // sweeps the process-wide list of live chunks
public unsafe class TapeChunkLifetimesTests
{
    [Fact]
    public void ADeadGraphsBlocksComeBackAtTheCollectionWithoutWaitingForFinalizers()
    {
        (nint[] blocks, WeakReference chunk) = BuildAndDrop();
        Assert.All(blocks, b => Assert.True(TapeChunkLifetimes.Tracks((TapeNode*)b)));

        GC.Collect(); // no GC.WaitForPendingFinalizers: the weak handles are clear already
        Assert.False(chunk.IsAlive);
        TapeChunkLifetimes.SweepIfCollected();
        Assert.All(blocks, b => Assert.False(TapeChunkLifetimes.Tracks((TapeNode*)b), "a dead chunk's block is still tracked"));
    }

    [Fact]
    public void ALiveGraphKeepsItsBlocksThroughCollectionsAndItsNumbers()
    {
        var input = new Value(1.0);
        Value x = input;
        for (int i = 0; i < 10_000; i++) x = (x * 1.0001 + 0.5).Relu();
        GC.Collect();
        TapeChunkLifetimes.Sweep();
        Assert.True(TapeChunkLifetimes.Tracks(x.Chunk.Nodes));
        // The next graph must not get this one's blocks: its numbers stay what they were.
        double expected = 1;
        for (int i = 0; i < 10_000; i++) expected = Math.Max(0.0, expected * 1.0001 + 0.5);
        Value other = new Value(2.0);
        for (int i = 0; i < 30_000; i++) other = other * 0.5 + 1;
        Assert.Equal(expected, x.Data);
        x.Backward();
        double grad = 1;
        for (int i = 0; i < 10_000; i++) grad = 1.0001 * grad;
        Assert.Equal(grad, input.Grad);
    }

    /// <summary>Builds a graph of several chunks and lets go of it; returns its chunks' blocks and a weak reference to its last chunk.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (nint[] Blocks, WeakReference Chunk) BuildAndDrop()
    {
        Tape.Seal();
        var blocks = new HashSet<nint>();
        Value x = new Value(1.0);
        for (int i = 0; i < 20_000; i++)
        {
            x = (x * 1.0001 + 0.5).Relu();
            blocks.Add((nint)x.Chunk.Nodes);
        }
        x.Backward(); // seals the tape: it no longer holds the last chunk
        return ([.. blocks], new WeakReference(x.Chunk));
    }
}
