namespace Backprop.Tests.TensorBoard;

/// <summary>A clock the test sets: the events' wall times and the file's name are then known exactly.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>The time the writer reads.</summary>
    public DateTimeOffset Now { get; set; } = now;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => Now;
}
