using System.Collections.ObjectModel;

namespace Backprop.IO;

/// <summary>
/// What a safetensors file holds: named tensors and the optional string-to-string
/// <c>__metadata__</c>. Returned by <see cref="SafeTensors.Load"/> and <see cref="SafeTensors.Read"/>;
/// both dictionaries can be passed straight back to <see cref="SafeTensors.Save"/>.
/// </summary>
public sealed class SafeTensorsFile
{
    internal SafeTensorsFile(Dictionary<string, Tensor> tensors, Dictionary<string, string> metadata)
    {
        Tensors = new ReadOnlyDictionary<string, Tensor>(tensors);
        Metadata = new ReadOnlyDictionary<string, string>(metadata);
    }

    /// <summary>
    /// The tensors by name (names compare ordinally). Each is a new contiguous leaf that does
    /// not require grad and shares nothing with any other.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The file's <c>__metadata__</c> entries; empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Splits the file into its tensors and metadata: <c>var (tensors, metadata) = SafeTensors.Load(path);</c>.</summary>
    /// <param name="tensors">Receives <see cref="Tensors"/>.</param>
    /// <param name="metadata">Receives <see cref="Metadata"/>.</param>
    public void Deconstruct(out IReadOnlyDictionary<string, Tensor> tensors, out IReadOnlyDictionary<string, string> metadata)
    {
        tensors = Tensors;
        metadata = Metadata;
    }
}
