using System.Text.RegularExpressions;
using Backprop.Tests.Support;

namespace Backprop.Tests.Docs;

/// <summary>
/// The README's MNIST commands, as written there: <c>train</c> reaches the test accuracy its
/// comment promises, and <c>eval</c> scores the saved model the same from the file alone.
/// </summary>
public partial class ReadmeCommandTests
{
    [Fact]
    public void TheReadmesMnistRunReachesTheAccuracyItsCommentPromisesAndEvalAgrees()
    {
        string readme = File.ReadAllText(Path.Combine(Reference.RepositoryRoot, "README.md")).Replace("\\\n", " ");
        Match train = TrainCommand().Match(readme);
        Assert.True(train.Success, "README.md has no `train --data mnist:...` command with an accuracy comment");
        string promised = train.Groups[2].Value;
        string folder = Directory.CreateTempSubdirectory("backprop-readme-").FullName;
        try
        {
            string[] args = Regex.Split(train.Groups[1].Value.Trim(), @"\s+");
            int outAt = Array.IndexOf(args, "--out");
            args[outAt + 1] = Path.Combine(folder, "mnist");
            (int code, string output, string error) = Support.Cli.Run(args);
            Assert.True(code == 0, error);
            Assert.Matches($@"test\s*│\s*[0-9.]+\s*│\s*{Regex.Escape(promised)}%", output);

            (code, output, error) = Support.Cli.Run("eval", "--model", Path.Combine(folder, "mnist", "model.safetensors"),
                "--data", "mnist");
            Assert.True(code == 0, error);
            Assert.Contains($"{promised}%", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // `dotnet run ... -- train --data mnist:... <flags>   # NN.NN% test accuracy`
    [GeneratedRegex(@"dotnet run -c Release --project src/Backprop.Cli -- (train --data mnist[^#\n]*?)\s*#\s*([0-9]+\.[0-9]+)% test accuracy")]
    private static partial Regex TrainCommand();
}
