namespace Pitlane.Obd;

/// <summary>Base of every failure the OBD stack reports; callers catch this one type.</summary>
public class ObdException : Exception
{
    public ObdException() { }
    public ObdException(string message) : base(message) { }
    public ObdException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>An adapter URI that cannot be used (unknown scheme, missing port, bad baud rate).</summary>
public sealed class AdapterUriException : ObdException
{
    public AdapterUriException() { }
    public AdapterUriException(string message) : base(message) { }
    public AdapterUriException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The transport could not be opened, was closed by the peer or failed while in use.</summary>
public sealed class ObdTransportException : ObdException
{
    public ObdTransportException() { }
    public ObdTransportException(string message) : base(message) { }
    public ObdTransportException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>No complete answer (ending in the ELM327 <c>&gt;</c> prompt) arrived within the timeout.</summary>
public sealed class ObdTimeoutException : ObdException
{
    public ObdTimeoutException() { }
    public ObdTimeoutException(string message) : base(message) { }
    public ObdTimeoutException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The adapter kept sending without a prompt beyond the answer size cap (endless lines, noise).</summary>
public sealed class ObdAnswerTooLargeException : ObdException
{
    public ObdAnswerTooLargeException() { }
    public ObdAnswerTooLargeException(string message) : base(message) { }
    public ObdAnswerTooLargeException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The answer could not be understood: not hex, a truncated frame, a bad ISO-TP sequence.</summary>
public sealed class ObdMalformedAnswerException : ObdException
{
    public ObdMalformedAnswerException() { }
    public ObdMalformedAnswerException(string message) : base(message) { }
    public ObdMalformedAnswerException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The adapter reported a bus or adapter error (UNABLE TO CONNECT, CAN ERROR, BUFFER FULL, ?...).</summary>
public sealed class ElmErrorException : ObdException
{
    public ElmErrorException() { }
    public ElmErrorException(string message) : base(message) { }
    public ElmErrorException(string message, Exception innerException) : base(message, innerException) { }

    public ElmErrorException(ElmError error, string command)
        : base($"adapter answered '{error.ToDisplayText()}' to '{command}'")
    {
        Error = error;
        Command = command;
    }

    public ElmError Error { get; }
    public string? Command { get; }
}

/// <summary>An ISO 14229 negative response (7F SID NRC) that was not response-pending.</summary>
public sealed class UdsNegativeResponseException : ObdException
{
    public UdsNegativeResponseException() { }
    public UdsNegativeResponseException(string message) : base(message) { }
    public UdsNegativeResponseException(string message, Exception innerException) : base(message, innerException) { }

    public UdsNegativeResponseException(byte serviceId, byte nrc, string ecu)
        : base($"ECU {ecu} rejected service 0x{serviceId:X2}: {Uds.NegativeResponseCodes.Name(nrc)} (0x{nrc:X2})")
    {
        ServiceId = serviceId;
        ResponseCode = nrc;
        Ecu = ecu;
    }

    public byte ServiceId { get; }
    public byte ResponseCode { get; }
    public string? Ecu { get; }
}
