using Backprop.IO;

namespace Backprop.Tests.IO;

/// <summary><see cref="AtomicFile"/>: a write either completes or leaves the old file untouched.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WritesAndReplacesAFileLeavingNoTemporaryFiles()
    {
        string path = Path.Combine(_dir, "a.txt");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(["a.txt"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void AFailedWriteKeepsTheOldFileAndCleansUp()
    {
        string path = Path.Combine(_dir, "model.bin");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new InvalidOperationException("crash halfway");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void AMissingFolderIsAnIOExceptionNamingThePath()
    {
        string path = Path.Combine(_dir, "no-such-folder", "x.txt");
        IOException e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, "x"));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ALeftoverOfAKilledWriterIsRemovedOnTheNextWrite()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        int deadPid = FindUnusedPid();
        string stale = Path.Combine(_dir, $".model.safetensors.{deadPid}.{Guid.NewGuid():N}.tmp");
        string live = Path.Combine(_dir, $".model.safetensors.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string foreign = Path.Combine(_dir, ".model.safetensors.mine.tmp");
        File.WriteAllBytes(stale, new byte[1000]);
        File.WriteAllBytes(live, []);
        File.WriteAllBytes(foreign, []);
        AtomicFile.WriteAllText(path, "new");
        Assert.False(File.Exists(stale), "the killed writer's temporary file");
        Assert.True(File.Exists(live), "a running writer's file is left alone");
        Assert.True(File.Exists(foreign), "a file not of our naming is left alone");
    }

    private static int FindUnusedPid()
    {
        for (int pid = 4_000_000; ; pid--)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return pid;
            }
        }
    }
}
