namespace Pitlane.Speech;

/// <summary>The bytes are not audio this engine accepts; the message says why in words a person can act on.</summary>
public sealed class InvalidAudioException(string message) : FormatException(message);
