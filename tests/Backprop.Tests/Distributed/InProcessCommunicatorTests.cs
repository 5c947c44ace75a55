using System.Diagnostics;
using Backprop.Distributed;

namespace Backprop.Tests.Distributed;

/// <summary>The in-process communicator: the collectives' exact results, and failures that end every rank's wait at once.</summary>
public sealed class InProcessCommunicatorTests
{
    [Fact]
    public void AllReduceSumsMeansAndMaxesInPlaceOnEveryRank()
    {
        IReadOnlyList<(float[] Sum, double[] Mean, double Max)> results = InProcessCommunicator.Run(3, c =>
        {
            float[] sum = [c.Rank + 1f, 10f * c.Rank];
            c.AllReduce(sum, ReduceOp.Sum);
            double[] mean = [c.Rank, 1.5];
            c.AllReduce(mean, ReduceOp.Mean);
            return (sum, mean, c.AllReduce(c.Rank == 1 ? 7.0 : -2.0, ReduceOp.Max));
        });
        foreach ((float[] sum, double[] mean, double max) in results)
        {
            Assert.Equal([6f, 30f], sum); // 1+2+3, 0+10+20
            Assert.Equal([1.0, 1.5], mean); // (0+1+2)/3
            Assert.Equal(7.0, max);
        }
    }

    [Fact]
    public void BroadcastCopiesTheRootsValuesAndAllGatherOrdersByRank()
    {
        IReadOnlyList<(double[] B, long[] L, double[] G)> results = InProcessCommunicator.Run(3, c =>
        {
            double[] b = [c.Rank * 1.5, -c.Rank];
            c.Broadcast(b, root: 2);
            long[] l = [c.Rank + 40];
            c.Broadcast(l, root: 1);
            double[] g = new double[6];
            c.AllGather([c.Rank, c.Rank * 10.0], g);
            c.Barrier();
            return (b, l, g);
        });
        foreach ((double[] b, long[] l, double[] g) in results)
        {
            Assert.Equal([3.0, -2.0], b);
            Assert.Equal([41L], l);
            Assert.Equal([0.0, 0, 1, 10, 2, 20], g);
        }
    }

    [Fact]
    public void AFailedRankEndsTheOthersWaitAtOnceWithItsReason()
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidOperationException>(() => InProcessCommunicator.Run(3, c =>
        {
            if (c.Rank == 1) throw new InvalidOperationException("rank 1 ran out of data");
            c.Barrier(); // ranks 0 and 2 would wait for ever for rank 1
            return 0;
        }));
        Assert.Equal("rank 1 ran out of data", e.Message); // the cause, not the others' consequences
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void ARankThatNeverComesFailsTheOthersAfterTheTimeoutWithOneLine()
    {
        var messages = new string?[2];
        var clock = Stopwatch.StartNew();
        InProcessCommunicator.Run(2, c =>
        {
            c.Timeout = TimeSpan.FromMilliseconds(300);
            try
            {
                if (c.Rank == 0) c.AllReduce(new float[4], ReduceOp.Sum); // rank 1 never calls it
                else Thread.Sleep(1500);
                if (c.Rank == 1) c.Barrier(); // by now the group has failed
            }
            catch (CommunicatorException e)
            {
                messages[c.Rank] = e.Message;
            }
            return 0;
        });
        Assert.Equal("rank 0: all-reduce of 4 Single values got no answer from the other ranks within 0.3 s (a rank failed or stalled)", messages[0]);
        Assert.StartsWith("rank 1: barrier: rank 0: all-reduce of 4 Single values got no answer", messages[1]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void MismatchedLengthsAreRefusedNotMixed()
    {
        var e = Assert.Throws<CommunicatorException>(() => InProcessCommunicator.Run(2, c =>
        {
            c.AllReduce(new double[c.Rank + 1], ReduceOp.Sum);
            return 0;
        }));
        Assert.Contains("called a different collective or gave a different length", e.Message);
    }
}
