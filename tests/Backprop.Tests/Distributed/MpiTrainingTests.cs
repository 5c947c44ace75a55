using System.Diagnostics;
using Backprop.Cli.Commands;
using Backprop.Cli.Training;
using Backprop.Distributed;
using Backprop.NN;
using Backprop.Tests.Support;
using Spectre.Console;

namespace Backprop.Tests.Distributed;

/// <summary>
/// <c>backprop train --distributed</c> under a real <c>mpirun -np 2</c>: the same bits as the
/// in-process ranks (so the equivalence shown there holds over MPI), the same bits again on a
/// rerun, rank 0 alone printing, a clean stop on Ctrl+C, and no hang when a rank dies or stalls.
/// </summary>
public sealed class MpiTrainingTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-mpi-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Moons(string folder) =>
        ["train", "--data", "moons", "--epochs", "3", "--batch-size", "16", "--bucket-mb", "0.001", "--distributed", "--out", folder];

    [Fact]
    public async Task TwoRanksUnderMpirunWriteTheInProcessRanksBitsTwiceAndOnlyRankZeroSpeaks()
    {
        string first = Path.Combine(_dir, "first"), second = Path.Combine(_dir, "second"), threads = Path.Combine(_dir, "threads");
        foreach (string folder in new[] { first, second })
        {
            using Mpirun job = Mpirun.Start(2, Moons(folder));
            Assert.True(await job.WaitAsync(Limit) == 0, $"{job.Out}\n{job.Err}");
            // (Open MPI gives the ranks a pseudo-terminal, so .NET may write a keypad escape before the first line.)
            Assert.Single(job.Out.Split('\n'), line => line.Contains("data: moons", StringComparison.Ordinal));
            Assert.Contains("all-reduce: 3 buckets of up to 0.001 MiB, batch 16 per rank;", job.Out);
            string[] timeline = File.ReadAllLines(Path.Combine(folder, "timeline.csv"));
            Assert.Equal(1 + 3 * 3 * 4, timeline.Length); // 3 epochs of 50 examples per rank / 16 = 4 steps, 3 buckets each
        }
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });
        var options = new TrainOptions("moons", "tensor", [16, 16], ActivationKind.Relu, "adam", null, 3, 16, 1, threads, null, 0,
            Distributed: true, BucketMegabytes: 0.001);
        IReadOnlyList<int> codes = InProcessCommunicator.Run(2, c => TrainCommand.Run(console, options, c));
        Assert.Equal([0, 0], codes);
        byte[] model = File.ReadAllBytes(Path.Combine(first, "model.safetensors"));
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(second, "model.safetensors")));
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(threads, "model.safetensors")));
        Assert.Equal(File.ReadAllText(Path.Combine(first, "metrics.csv")), File.ReadAllText(Path.Combine(threads, "metrics.csv")));
    }

    [Fact]
    public async Task TheReadmesMpirunCommandTrainsOnTwoRanks()
    {
        string readme = File.ReadAllText(Path.Combine(Reference.RepositoryRoot, "README.md"));
        System.Text.RegularExpressions.Match command = System.Text.RegularExpressions.Regex.Match(readme, @"\nmpirun -np 2 dotnet \S+backprop\.dll (train [^\n#]*)");
        Assert.True(command.Success, "README.md has no `mpirun -np 2 dotnet …backprop.dll train …` command");
        string[] args = command.Groups[1].Value.Trim().Split(' ');
        args[Array.IndexOf(args, "--out") + 1] = Path.Combine(_dir, "readme");
        using Mpirun job = Mpirun.Start(2, args);
        Assert.True(await job.WaitAsync(Limit) == 0, $"{job.Out}\n{job.Err}");
        Assert.Contains("epoch 2/2", job.Out);
        Assert.True(File.Exists(Path.Combine(_dir, "readme", "model.safetensors")));
    }

    [Fact]
    public void WithoutMpirunTheRunStopsWithOneLine()
    {
        (int code, _, string err) = Backprop.Tests.Support.Cli.Run("train", "--data", "moons", "--distributed", "--out", Path.Combine(_dir, "alone"));
        Assert.Equal(1, code);
        Assert.Equal("backprop: --distributed: MPI: this process was not started by mpirun (OMPI_COMM_WORLD_SIZE is not set); start the ranks with: mpirun -np N <command>", err.TrimEnd());
        Assert.False(Directory.Exists(Path.Combine(_dir, "alone")));
    }

    [Fact]
    public async Task ASignalToOneRankStopsEveryRankAfterTheSameStepAndRankZeroSavesEverything()
    {
        string folder = Path.Combine(_dir, "interrupted");
        using Mpirun job = Mpirun.Start(2, "train", "--data", "spirals", "--hidden", "32,32", "--epochs", "100000", "--distributed", "--out", folder);
        await job.WaitForOutputAsync("epoch 2/", Limit);
        Mpirun.Signal(job.RankProcess(1), "TERM"); // as a scheduler that preempts one machine
        Assert.True(await job.WaitAsync(TimeSpan.FromSeconds(30)) is int, $"still running: {job.Out}\n{job.Err}");
        Assert.Contains("interrupted by a signal on another rank: saved the weights after", job.Out);
        foreach (string file in new[] { "model.safetensors", "metrics.csv", "loss.png", "timeline.csv", "decision-boundary.png" })
            Assert.True(File.Exists(Path.Combine(folder, file)), $"{file} missing: {job.Out}\n{job.Err}");
    }

    [Fact]
    public async Task CtrlCOnMpirunEndsTheJobWithinThirtySeconds()
    {
        // mpirun turns Ctrl+C into SIGTERM to every rank and SIGKILL 1 s later (docs/distributed.md).
        using Mpirun job = Mpirun.Start(2, "train", "--data", "spirals", "--hidden", "32,32", "--epochs", "100000", "--distributed", "--out", Path.Combine(_dir, "ctrl-c"));
        await job.WaitForOutputAsync("epoch 2/", Limit);
        Mpirun.Signal(job.Id, "INT");
        Assert.True(await job.WaitAsync(TimeSpan.FromSeconds(30)) is int, $"still running: {job.Out}\n{job.Err}");
    }

    [Fact]
    public async Task ARankKilledMidEpochEndsTheJobWithinThirtySeconds()
    {
        using Mpirun job = Mpirun.Start(2, "train", "--data", "spirals", "--hidden", "32,32", "--epochs", "100000", "--distributed", "--out", Path.Combine(_dir, "killed"));
        await job.WaitForOutputAsync("epoch 2/", Limit);
        var clock = Stopwatch.StartNew();
        Mpirun.Signal(job.RankProcess(1), "KILL");
        int? code = await job.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(code is not null && code != 0, $"still running after {clock.Elapsed}: {job.Err}");
        Assert.Contains("process rank 1", job.Err); // Open MPI names the rank that died ...
        Assert.Contains("signal 9", job.Err); // ... and how
    }

    [Fact]
    public async Task ARankThatStallsIsNotWaitedForBeyondThePeerTimeout()
    {
        // A stopped rank is alive to mpirun: only our own timeout can end the job.
        using Mpirun job = Mpirun.Start(2, "train", "--data", "spirals", "--hidden", "32,32", "--epochs", "100000", "--distributed", "--peer-timeout", "3", "--out", Path.Combine(_dir, "stalled"));
        await job.WaitForOutputAsync("epoch 2/", Limit);
        Mpirun.Signal(job.RankProcess(1), "STOP");
        int? code = await job.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(code is not null && code != 0, $"still running: {job.Err}");
        string line = Assert.Single(job.Err.Split('\n'), l => l.StartsWith("backprop: rank 0:", StringComparison.Ordinal));
        Assert.Matches(@"^backprop: rank 0: MPI rank 0: [a-z -]+ of \d+ [a-z0-9]+ values got no answer from the other ranks within 3 s \(a rank failed or stalled\); aborting the job$", line);
    }
}
