namespace Backprop.Playground;

/// <summary>Where the playground listens and how many runs it keeps.</summary>
public sealed record PlaygroundOptions
{
    /// <summary>The address to listen on; 127.0.0.1 (this machine only) unless the user asks otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port (0: any free port, as tests use).</summary>
    public int Port { get; init; } = 5000;

    /// <summary>Live runs at most; creating one more answers 429.</summary>
    public int MaxRuns { get; init; } = 16;

    /// <summary>A run with no request and no frame reader for this long is dropped.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The shortest time between two frames of one stream (about 30 frames a second), and the play loop's tick.</summary>
    public TimeSpan FrameInterval { get; init; } = TimeSpan.FromMilliseconds(33);

    /// <summary>
    /// Whether to train two throwaway runs in the background once the server has started, so the
    /// first real run finds the code compiled (<c>backprop playground</c> does; off by default so
    /// that tests which start many servers do not pay for it).
    /// </summary>
    public bool WarmUp { get; init; }

    /// <summary>Whether <see cref="Host"/> lets other machines in (anything but a loopback address).</summary>
    public bool IsExposed => Host is not ("127.0.0.1" or "localhost" or "::1" or "[::1]");
}
