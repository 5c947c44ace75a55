namespace Backprop.Tests.Support;

/// <summary>
/// Tests that change or measure process-wide state (the console, the current directory, the
/// buffer pool's counters) run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(ProcessStateCollection), DisableParallelization = true)]
public sealed class ProcessStateCollection;
