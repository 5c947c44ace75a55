using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Backprop.IO;
using Backprop.NN;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop export --model model.safetensors --onnx model.onnx</c>: a model saved by
/// <c>train</c>, rebuilt from its file, traced on a sample batch and written as ONNX (opset 17,
/// dynamic batch) for ONNX Runtime and other tools.
/// </summary>
public static class ExportCommand
{
    /// <summary>The batch size of the sample the model is traced on (any size runs the exported model).</summary>
    public const int SampleBatch = 3;

    /// <summary>Builds the command.</summary>
    /// <param name="console">Where the summary goes.</param>
    public static Command Create(IAnsiConsole console)
    {
        var modelOption = new Option<string>("--model") { Description = "A model.safetensors written by backprop train", Required = true, HelpName = "FILE" };
        var onnxOption = new Option<string>("--onnx") { Description = "The ONNX file to write (replaced atomically)", Required = true, HelpName = "FILE" };
        var command = new Command("export", "Write a saved model as an ONNX file (opset 17, dynamic batch)") { modelOption, onnxOption };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(modelOption)!;
            string target = parsed.GetValue(onnxOption)!;
            InputFile.Require("--model", path);
            if (target.Length == 0) throw new CommandFailedException("--onnx: the file name is empty");
            if (Directory.Exists(target)) throw new CommandFailedException($"--onnx: '{ConsoleText.Printable(target)}' is a directory, not a file");
            string? folder = Path.GetDirectoryName(Path.GetFullPath(target));
            if (folder is not null && !Directory.Exists(folder))
                throw new CommandFailedException($"--onnx: the folder '{ConsoleText.Printable(folder)}' does not exist");
            (Module model, _) = ModelFile.Load(path);
            Tensor sample = Tensor.Zeros([SampleBatch, InputFeatures(model)], DType.Float32);
            var clock = Stopwatch.StartNew();
            Onnx.Export(model, sample, target);
            clock.Stop();
            long bytes = new FileInfo(target).Length;
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {ConsoleText.Printable(target)}: {model.Parameters().Sum(p => (long)p.Count):N0} parameters, {bytes:N0} bytes, input [batch,{InputFeatures(model)}], exported in {clock.Elapsed.TotalMilliseconds:F0} ms"));
            return 0;
        });
        return command;
    }

    /// <summary>How many features one example of the model has (the exported graph's input is [batch, that]).</summary>
    private static int InputFeatures(Module model) => model switch
    {
        Cnn cnn => cnn.ImageSize * cnn.ImageSize,
        Mlp mlp => mlp.Sizes[0],
        _ => throw new InvalidOperationException($"internal: unknown model {model.GetType().Name}"),
    };
}
