using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Backprop.Tests.Distributed;

/// <summary>
/// Starts the built <c>backprop</c> command under Open MPI's <c>mpirun</c> (Debian's openmpi-bin,
/// which .ci/run installs: these tests fail, never skip, without it), and finds its ranks.
/// </summary>
internal sealed class Mpirun : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly Task _reading;

    private Mpirun(Process process)
    {
        _process = process;
        Task o = Pump(process.StandardOutput, _out);
        Task e = Pump(process.StandardError, _err);
        _reading = Task.WhenAll(o, e);
    }

    /// <summary>The program, found on PATH.</summary>
    public static string Program
    {
        get
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
            {
                string path = Path.Combine(dir, "mpirun");
                if (File.Exists(path)) return path;
            }
            Assert.Fail("mpirun not found: install Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev; .ci/run does)");
            return "";
        }
    }

    /// <summary>Starts <c>mpirun -np <paramref name="ranks"/> backprop ARGS</c>.</summary>
    public static Mpirun Start(int ranks, params string[] args) => Start(ranks, new Dictionary<string, string>(), args);

    /// <summary>Starts <c>mpirun -np <paramref name="ranks"/> backprop ARGS</c> with more environment variables (MCA parameters).</summary>
    public static Mpirun Start(int ranks, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach ((string name, string value) in environment) start.Environment[name] = value;
        // Root may run mpirun in a container only when it says so; 2 ranks on a 2-core machine need oversubscription.
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        start.Environment["OMPI_MCA_rmaps_base_oversubscribe"] = "1";
        foreach (string arg in new[] { "-np", ranks.ToString(CultureInfo.InvariantCulture), Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", typeof(Backprop.Cli.Program).Assembly.Location })
            start.ArgumentList.Add(arg);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        return new Mpirun(Process.Start(start)!);
    }

    /// <summary>Standard output so far.</summary>
    public string Out
    {
        get { lock (_out) return _out.ToString(); }
    }

    /// <summary>Standard error so far.</summary>
    public string Err
    {
        get { lock (_err) return _err.ToString(); }
    }

    /// <summary>mpirun's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Waits for mpirun to end; returns its exit code, or null after <paramref name="limit"/>.</summary>
    public async Task<int?> WaitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await _reading.WaitAsync(TimeSpan.FromSeconds(10));
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until standard output contains <paramref name="text"/> (fails after <paramref name="limit"/>).</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!Out.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > limit || _process.HasExited) Assert.Fail($"'{text}' did not appear within {limit}: {Out}\n{Err}");
            await Task.Delay(100);
        }
    }

    /// <summary>The process id of rank <paramref name="rank"/> (a child of mpirun whose environment says so).</summary>
    public int RankProcess(int rank)
    {
        string wanted = $"OMPI_COMM_WORLD_RANK={rank.ToString(CultureInfo.InvariantCulture)}";
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (parent != _process.Id) continue;
                if (File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains(wanted)) return pid;
            }
            catch (IOException)
            {
                // gone meanwhile
            }
        }
        Assert.Fail($"no process of rank {rank} under mpirun {_process.Id}");
        return 0;
    }

    /// <summary>Sends <paramref name="signal"/> (KILL, STOP, INT, …) to <paramref name="pid"/>.</summary>
    public static void Signal(int pid, string signal)
    {
        using Process kill = Process.Start("kill", ["-s", signal, pid.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Kills whatever is left of the job.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            foreach (int rank in new[] { 0, 1 })
            {
                try { Signal(RankProcess(rank), "KILL"); } catch (Xunit.Sdk.FailException) { }
            }
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private static async Task Pump(StreamReader reader, StringBuilder into)
    {
        char[] buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into) into.Append(buffer, 0, n);
        }
    }
}
