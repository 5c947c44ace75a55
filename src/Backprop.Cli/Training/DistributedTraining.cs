using System.Globalization;
using Backprop.Cli.Commands;
using Backprop.Distributed;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Training;

/// <summary>
/// <c>backprop train --distributed</c>: joins the MPI job, runs the same training as
/// <see cref="TrainCommand.Run"/> on every rank (rank 0 alone prints and writes), and makes sure
/// no rank hangs: a signal stops every rank after the same step, a collective that fails (a dead
/// or stalled peer) aborts the whole job with one line, and a rank still stuck in MPI some
/// seconds after a signal exits on its own.
/// </summary>
public static class DistributedTraining
{
    /// <summary>How long a rank waits, after a signal, for the other ranks before it exits anyway.</summary>
    public static readonly TimeSpan SignalGrace = TimeSpan.FromSeconds(10);

    /// <summary>The console of ranks other than 0: output goes nowhere.</summary>
    public static IAnsiConsole Silent { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null), Interactive = InteractionSupport.No });

    /// <summary>Joins the job and trains; a failed collective ends the whole job (MPI_Abort) after one line on standard error.</summary>
    /// <param name="console">Where rank 0's progress and results go.</param>
    /// <param name="options">What to do (<see cref="TrainOptions.Distributed"/> set).</param>
    /// <returns>The exit code, as <see cref="TrainCommand.Run"/>'s.</returns>
    /// <exception cref="CommandFailedException">MPI is not installed or this process was not started by mpirun.</exception>
    public static int Run(IAnsiConsole console, TrainOptions options)
    {
        MpiCommunicator communicator;
        try
        {
            communicator = MpiCommunicator.Initialize();
            if (options.PeerTimeoutSeconds is double seconds) communicator.Timeout = TimeSpan.FromSeconds(seconds);
        }
        catch (CommunicatorException e)
        {
            throw new CommandFailedException($"--distributed: {e.Message}", e);
        }
        try
        {
            int code = TrainCommand.Run(console, options, communicator);
            communicator.Dispose();
            return code;
        }
        catch (CommunicatorException e)
        {
            Console.Error.WriteLine($"backprop: rank {communicator.Rank}: {ErrorLine.Of(e)}; aborting the job");
            Console.Error.Flush();
            communicator.Abort(e.Message, 1);
            throw; // not reached
        }
    }

    /// <summary>
    /// Rank 0 prepares the output folder; every rank learns whether that worked, so that when it
    /// did not, rank 0 reports why and the others stop too instead of waiting for it.
    /// </summary>
    /// <param name="communicator">The ranks.</param>
    /// <param name="prepare">Rank 0's preparation (<see cref="RunFolder.Prepare"/>).</param>
    /// <returns>The folder on rank 0; an empty string on the others (they write nothing).</returns>
    public static string PrepareFolder(ICommunicator communicator, Func<string> prepare)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(prepare);
        string folder = "";
        Exception? failure = null;
        if (communicator.Rank == 0)
        {
            try
            {
                folder = prepare();
            }
            catch (Exception e) when (e is UsageException or CommandFailedException)
            {
                failure = e;
            }
        }
        bool failed = communicator.AllReduce(failure is null ? 0 : 1, ReduceOp.Max) > 0;
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        if (failed) throw new CommandFailedException($"rank {communicator.Rank}: rank 0 could not prepare the output folder (it says why)");
        return folder;
    }

    /// <summary>
    /// The stop of a distributed run: a signal on any rank stops every rank after the same step
    /// (<see cref="AgreedCancellation"/>, agreed after each step), and a rank that a signal
    /// reached but that is still stuck in MPI after <see cref="SignalGrace"/> exits with one line.
    /// </summary>
    public sealed class Stop : IDisposable
    {
        private readonly AgreedCancellation _agreed;
        private readonly ShutdownSignals _signals;
        private readonly Trainer _trainer;
        private readonly CancellationTokenRegistration _watch;
        private readonly int _rank;
        private Timer? _watchdog;

        /// <summary>Starts agreeing after every step of <paramref name="trainer"/>.</summary>
        /// <param name="communicator">The ranks.</param>
        /// <param name="signals">This rank's signals.</param>
        /// <param name="trainer">The loop whose steps to agree after.</param>
        public Stop(ICommunicator communicator, ShutdownSignals signals, Trainer trainer)
        {
            ArgumentNullException.ThrowIfNull(communicator);
            _signals = signals ?? throw new ArgumentNullException(nameof(signals));
            _trainer = trainer ?? throw new ArgumentNullException(nameof(trainer));
            _rank = communicator.Rank;
            _agreed = new AgreedCancellation(communicator, signals.Token);
            _trainer.StepCompleted += Agree;
            _watch = signals.Token.Register(Arm);
        }

        /// <summary>Fires on every rank after the same step once any rank got a signal.</summary>
        public CancellationToken Token => _agreed.Token;

        /// <summary>The exit code: this rank's signal's, or 143 (SIGTERM's) when another rank's signal stopped the run.</summary>
        public int ExitCode => _signals.ExitCode != 0 ? _signals.ExitCode : _agreed.Token.IsCancellationRequested ? 143 : 0;

        /// <summary>The signal's name, or "a signal on another rank".</summary>
        public string? Name => _signals.Name ?? (_agreed.Token.IsCancellationRequested ? "a signal on another rank" : null);

        /// <summary>Stops agreeing and disarms the watchdog (the loop is over).</summary>
        public void Dispose()
        {
            _trainer.StepCompleted -= Agree;
            _watch.Dispose();
            _watchdog?.Dispose();
            _agreed.Dispose();
        }

        private void Agree(object? sender, TrainingStep step) => _agreed.Agree();

        private void Arm() => _watchdog = new Timer(_ =>
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backprop: rank {_rank}: {_signals.Name ?? "a signal"} arrived and the other ranks did not finish the step within {SignalGrace.TotalSeconds:0} s (a rank failed?); exiting"));
            Console.Error.Flush();
            Environment.Exit(_signals.ExitCode == 0 ? 143 : _signals.ExitCode);
        }, null, SignalGrace, Timeout.InfiniteTimeSpan);
    }
}
