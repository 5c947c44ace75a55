namespace Backprop.Distributed;

/// <summary>A collective operation failed: a rank did not answer in time, or the group was aborted.</summary>
public sealed class CommunicatorException : Exception
{
    /// <summary>An exception with a one-line <paramref name="message"/>.</summary>
    /// <param name="message">What failed, on which rank.</param>
    public CommunicatorException(string message) : base(message) { }

    /// <summary>An exception with a one-line <paramref name="message"/> and its cause.</summary>
    /// <param name="message">What failed, on which rank.</param>
    /// <param name="inner">The cause.</param>
    public CommunicatorException(string message, Exception inner) : base(message, inner) { }

    /// <summary>An exception with no message (prefer the ones that say what failed).</summary>
    public CommunicatorException() : base("a collective operation failed") { }
}
