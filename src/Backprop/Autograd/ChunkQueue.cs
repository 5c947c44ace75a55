namespace Backprop;

/// <summary>
/// The chunks a sweep over the tape (<see cref="ValueGraph"/>) still has to visit, newest first,
/// each with the highest slot reached in it from a newer chunk. One per thread, reused.
/// </summary>
internal sealed class ChunkQueue
{
    [ThreadStatic] private static ChunkQueue? t_queue;

    // Keyed by -Sequence: PriorityQueue takes the smallest first.
    private readonly PriorityQueue<TapeChunk, long> _chunks = new();

    /// <summary>This thread's queue (empty between sweeps).</summary>
    public static ChunkQueue Current => t_queue ??= new ChunkQueue();

    /// <summary>Records that <paramref name="slot"/> of <paramref name="chunk"/> was reached from a newer chunk (or is the output).</summary>
    public void Add(TapeChunk chunk, int slot)
    {
        if (!chunk.Queued)
        {
            chunk.Queued = true;
            chunk.Top = slot;
            _chunks.Enqueue(chunk, -chunk.Sequence);
        }
        else if (slot > chunk.Top)
        {
            chunk.Top = slot;
        }
    }

    /// <summary>Takes the newest queued chunk and the slot to start its sweep from.</summary>
    public bool TryTake(out TapeChunk chunk, out int top)
    {
        if (!_chunks.TryDequeue(out chunk!, out _))
        {
            top = 0;
            return false;
        }
        chunk.Queued = false;
        top = chunk.Top;
        chunk.Top = 0;
        return true;
    }
}
