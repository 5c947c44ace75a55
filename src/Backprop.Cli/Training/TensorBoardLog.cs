using Backprop.Cli.Commands;
using Backprop.TensorBoard;

namespace Backprop.Cli.Training;

/// <summary>The event file of <c>backprop train --tensorboard DIR</c>.</summary>
public static class TensorBoardLog
{
    /// <summary>Starts a new event file in <paramref name="dir"/> (checked writable before the run by <see cref="OutputFolder.Prepare"/>).</summary>
    /// <param name="dir">The <c>--tensorboard</c> folder.</param>
    /// <exception cref="CommandFailedException">The file cannot be created.</exception>
    public static SummaryWriter Open(string dir)
    {
        try
        {
            return new SummaryWriter(dir);
        }
        catch (IOException e)
        {
            throw new CommandFailedException($"--tensorboard: {e.Message}", e);
        }
    }
}
