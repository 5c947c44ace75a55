using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Backprop.Cli.Training;
using Backprop.Playground;
using Microsoft.AspNetCore.Builder;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop playground [--port 5000] [--host 127.0.0.1] [--open]</c>: starts the web
/// playground (training runs on this engine, the browser draws), prints its address and serves
/// until Ctrl+C.
/// </summary>
public static class PlaygroundCommand
{
    /// <summary>Builds the command, writing to <paramref name="console"/>.</summary>
    /// <param name="console">Where the address (and a warning for an exposed host) is printed.</param>
    public static Command Create(IAnsiConsole console)
    {
        Option<int> port = NumberOptions.Int("--port", "The TCP port to listen on", 5000, min: 1, max: 65535);
        var host = new Option<string>("--host")
        {
            Description = "The address to listen on; anything but 127.0.0.1 lets other machines train on this one",
            DefaultValueFactory = _ => "127.0.0.1",
            HelpName = "ADDRESS",
        };
        var open = new Option<bool>("--open") { Description = "Open the page in the browser (when one is installed)" };
        var command = new Command("playground", "Start the web playground: watch backpropagation train a network, live, in the browser")
        {
            port,
            host,
            open,
        };
        command.SetAction(async (parsed, cancel) =>
        {
            // Ctrl+C, SIGTERM and SIGHUP stop the server at once, as they stop `train` (left to
            // the defaults, SIGTERM took 10 s with a page open).
            using var signals = new ShutdownSignals();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel, signals.Token);
            return await RunAsync(console, new PlaygroundOptions { Port = parsed.GetValue(port), Host = parsed.GetValue(host)!, WarmUp = true },
                parsed.GetValue(open), stop.Token);
        });
        return command;
    }

    /// <summary>Serves until <paramref name="cancel"/> fires (Ctrl+C).</summary>
    /// <param name="console">Where the address goes.</param>
    /// <param name="options">Where to listen.</param>
    /// <param name="open">Whether to open a browser.</param>
    /// <param name="cancel">Stops the server.</param>
    /// <returns>0 when stopped.</returns>
    public static async Task<int> RunAsync(IAnsiConsole console, PlaygroundOptions options, bool open, CancellationToken cancel)
    {
        if (!IPAddress.TryParse(options.Host, out IPAddress? address) && options.Host != "localhost")
            throw new UsageException($"--host: '{options.Host}' is not an IP address");
        EnsurePortIsFree(address ?? IPAddress.Loopback, options.Port);
        await using WebApplication app = PlaygroundServer.Build(options);
        await app.StartAsync(cancel);
        string url = $"http://{(options.IsExposed ? options.Host : "127.0.0.1")}:{options.Port}/";
        if (options.IsExposed)
            console.MarkupLine($"[yellow]warning:[/] listening on {Markup.Escape(options.Host)}: anyone who can reach this machine can start training runs on it");
        console.WriteLine($"Backprop playground: {url} (Ctrl+C stops it)");
        if (open) OpenBrowser(console, url);
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>Fails with one line when another program holds the port (Kestrel's own error is a stack of exceptions).</summary>
    private static void EnsurePortIsFree(IPAddress address, int port)
    {
        try
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new CommandFailedException($"--port {port}: the port is taken by another program; choose another with --port");
        }
        catch (SocketException e)
        {
            throw new CommandFailedException($"--host {address}, --port {port}: cannot listen there ({e.Message})");
        }
    }

    private static void OpenBrowser(IAnsiConsole console, string url)
    {
        try
        {
            Process.Start(new ProcessStartInfo("xdg-open", url) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })?.Dispose();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            console.WriteLine($"(no browser found to open; visit {url} yourself)");
        }
    }
}
