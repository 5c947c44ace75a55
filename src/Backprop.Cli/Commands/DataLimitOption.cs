using System.CommandLine;
using Backprop.Data;

namespace Backprop.Cli.Commands;

/// <summary><c>--max-data-mb</c>: the limit on what an MNIST file may declare, so a small hostile file cannot expand to gigabytes.</summary>
public static class DataLimitOption
{
    /// <summary>Builds the option (default 256 MiB of pixels; MNIST's 60,000 training images take 45 MiB).</summary>
    public static Option<int> Create()
    {
        Option<int> option = NumberOptions.Int("--max-data-mb",
            "Refuse MNIST files whose header declares more than this many MiB of pixels (a small gzip file can expand to gigabytes)",
            (int)(Mnist.DefaultMaxBytes >> 20), 1, 1 << 20);
        option.HelpName = "MIB";
        return option;
    }
}
