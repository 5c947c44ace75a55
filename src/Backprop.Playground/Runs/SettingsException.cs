namespace Backprop.Playground.Runs;

/// <summary>
/// A request the playground refuses: a setting out of range, an unknown key, a bad edit. The
/// message is one line that names the field; the API answers it as a 400 <c>{"error": message}</c>.
/// </summary>
/// <param name="message">What is wrong, naming the field and the value.</param>
public sealed class SettingsException(string message) : ArgumentException(message);
