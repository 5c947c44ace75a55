using System.Runtime.InteropServices;

namespace Backprop.Cli.Training;

/// <summary>
/// Turns Ctrl+C (SIGINT), SIGTERM and SIGHUP into a cancellation request, so a training run
/// stops after its current step, saves, and exits with 128 + the signal's number, as a shell
/// expects of a process a signal stopped.
/// </summary>
public sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    /// <summary>Starts listening; <see cref="Dispose"/> restores the default handling.</summary>
    public ShutdownSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle),
        ];
    }

    /// <summary>Fires when a signal arrives.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The exit code the signal calls for (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP), or 0 if none arrived.</summary>
    public int ExitCode => _signal == 0 ? 0 : 128 + _signal;

    /// <summary>The name of the signal that arrived ("SIGTERM"), or null.</summary>
    public string? Name => _signal switch { 2 => "Ctrl+C (SIGINT)", 15 => "SIGTERM", 1 => "SIGHUP", 0 => null, _ => $"signal {_signal}" };

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // keep the process alive: the run saves, then exits with ExitCode
        Interlocked.CompareExchange(ref _signal, context.Signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGTERM => 15,
            PosixSignal.SIGHUP => 1,
            _ => 15,
        }, 0);
        _source.Cancel();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
