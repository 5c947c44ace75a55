using Backprop.Cli.Commands;

namespace Backprop.Tests.Cli;

/// <summary>Every bad command line is one line on standard error, without .NET internals, and exit code 2; help and version are where a new user looks.</summary>
public sealed class CliErrorTests
{
    [Theory]
    [InlineData("train --data moons --lr 1,5", "'1,5' is not a number")]
    [InlineData("train --data moons --lr nan", "'nan' is not a number")]
    [InlineData("train --data moons --lr -1", "--lr must be in (0,")]
    [InlineData("train --data moons --dropout -0.5", "--dropout must be in [0, 1)")]
    [InlineData("train --data moons --dropout nan", "'nan' is not a number")]
    [InlineData("train --data moons --hidden 16,,16", "--hidden")]
    [InlineData("train --data moons --test-fraction 0.999", "--test-fraction must be in [0, 0.9]")]
    [InlineData("train --data moons --epochs 1e6", "'1e6' is not a whole number")]
    [InlineData("train --data moons --epochs 0", "--epochs must be from 1")]
    [InlineData("train --data moons --seed -1", "'-1' is not a whole number")]
    [InlineData("train --data moons --batch-size 99999999999", "--batch-size must be at least 0")]
    [InlineData("bench scalar --chain-steps abc", "'abc' is not a whole number")]
    [InlineData("bench scalar --chain-steps 1e6", "'1e6' is not a whole number")]
    [InlineData("bench scalar --chain-steps 99999999999", "--chain-steps must be")]
    [InlineData("gradflow --depth x", "'x' is not a whole number")]
    [InlineData("train --data nonsense", "unknown data set 'nonsense'")]
    [InlineData("train --data moons --engine scalar --dropout 0.2", "--dropout works with the tensor engine only")]
    [InlineData("train --data moons --engine scalar --optimizer adam", "the scalar engine uses SGD only")]
    [InlineData("train --data moons --engine scalar --schedule cosine", "--schedule cosine works with the tensor engine only")]
    [InlineData("train --data moons --engine scalar --train-metrics running", "--train-metrics running works with the tensor engine only")]
    [InlineData("train --data moons --train-metrics sometimes", "sometimes")]
    [InlineData("train --data spirals --engine scalar", "binary classifiers")]
    [InlineData("train --data moons --model cnn", "--model cnn reads square images")]
    [InlineData("train --data moons --channels 4,8", "--channels sets the CNN's widths; add --model cnn")]
    [InlineData("train --data mnist --model cnn --engine scalar", "--model cnn needs the tensor engine")]
    [InlineData("train --data mnist --model cnn --channels 4,x", "--channels: '4,x' is not")]
    [InlineData("train --data mnist --model rnn", "rnn")]
    [InlineData("train --data moons --augment", "--augment reads square images")]
    [InlineData("frobnicate", "Unrecognized command or argument 'frobnicate'")]
    [InlineData("--lr 0.1", "Unrecognized command or argument '--lr'")]
    public void BadArgumentsAreOneUsageLine(string commandLine, string expected)
    {
        (int code, _, string error) = Support.Cli.Run(commandLine.Split(' '));
        Assert.Equal(CommandLine.Usage, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error);
        Assert.DoesNotContain("System.", error);
        Assert.DoesNotContain("(Parameter", error);
        Assert.DoesNotContain("Actual value", error);
    }

    [Fact]
    public void ABlankHiddenIsRefused()
    {
        (int code, _, string error) = Support.Cli.Run("train", "--data", "moons", "--hidden", " ");
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--hidden: ' ' is not a comma-separated list", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("--help")]
    public void BareBackpropAndHelpShowTheHelp(string commandLine)
    {
        (int code, string output, string error) = Support.Cli.Run(commandLine.Length == 0 ? [] : commandLine.Split(' '));
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("Usage:", output);
        Assert.Contains("train", output);
    }

    [Fact]
    public void HelpOfACommand()
    {
        (int code, string output, _) = Support.Cli.Run("help", "train");
        Assert.Equal(0, code);
        Assert.Contains("--force", output);
    }

    [Theory]
    [InlineData("-v")]
    [InlineData("version")]
    [InlineData("--version")]
    public void VersionShowsTheVersion(string argument)
    {
        (int code, string output, string error) = Support.Cli.Run(argument);
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }

    [Fact]
    public void AnUnexpectedExceptionIsOneLineWithoutAStackTrace()
    {
        string line = ErrorLine.Of(new InvalidOperationException("first line\n   at Somewhere.Deep()"));
        Assert.Equal("internal error (InvalidOperationException): first line", line);
        Assert.Equal("bad value", ErrorLine.Of(new ArgumentOutOfRangeException("p", 3.0, "bad value")));
        Assert.Equal("x \\u001b[2J", ErrorLine.Of(new IOException("x \u001b[2J")));
        Assert.True(ErrorLine.Of(new IOException(new string('a', 100_000))).Length < 700);
    }
}
