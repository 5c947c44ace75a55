using System.Text.Json;

namespace Backprop.Tests.Cli;

/// <summary>
/// The GC and JIT settings the <c>backprop</c> command ships in its runtimeconfig, so that users
/// need to set nothing (docs/performance.md says what each buys).
/// </summary>
public class RuntimeConfigTests
{
    [Theory]
    [InlineData("System.GC.Gen0MaxBudget", 4_194_304)] // the scalar engine's handles cycle through 4 MB of gen 0, not tens
    [InlineData("System.GC.LOHThreshold", 2_097_152)] // a training step's tensors die in gen 0
    [InlineData("System.Runtime.TieredCompilation.CallCountingDelayMs", 0)]
    public void TheCommandShipsItsRuntimeSettings(string name, long value)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "backprop.runtimeconfig.json");
        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty(name, out JsonElement setting), $"{path} lacks {name}");
        Assert.Equal(value, setting.GetInt64());
    }
}
