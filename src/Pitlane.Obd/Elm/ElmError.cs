namespace Pitlane.Obd;

/// <summary>The error messages an ELM327 (data sheet, "Messages and Error Codes") prints instead of data.</summary>
public enum ElmError
{
    None,
    NoData,
    UnableToConnect,
    BusInitError,
    BusError,
    CanError,
    BufferFull,
    DataError,
    FeedbackError,
    LowPowerAlert,
    LvReset,
    Stopped,
    UnknownCommand,
    ActivityAlert,
}

public static class ElmErrors
{
    public static string ToDisplayText(this ElmError error) => error switch
    {
        ElmError.NoData => "NO DATA",
        ElmError.UnableToConnect => "UNABLE TO CONNECT",
        ElmError.BusInitError => "BUS INIT: ...ERROR",
        ElmError.BusError => "BUS ERROR",
        ElmError.CanError => "CAN ERROR",
        ElmError.BufferFull => "BUFFER FULL",
        ElmError.DataError => "DATA ERROR",
        ElmError.FeedbackError => "FB ERROR",
        ElmError.LowPowerAlert => "LP ALERT",
        ElmError.LvReset => "LV RESET",
        ElmError.Stopped => "STOPPED",
        ElmError.UnknownCommand => "?",
        ElmError.ActivityAlert => "ACT ALERT",
        _ => "",
    };

    /// <summary>Classifies one answer line (already upper-cased and trimmed); None for a data line.</summary>
    public static ElmError Classify(ReadOnlySpan<char> line)
    {
        if (line.SequenceEqual("?")) return ElmError.UnknownCommand;
        if (line.StartsWith("NO DATA", StringComparison.Ordinal) || line.StartsWith("NODATA", StringComparison.Ordinal)) return ElmError.NoData;
        if (line.StartsWith("UNABLE TO CONNECT", StringComparison.Ordinal) || line.StartsWith("UNABLETOCONNECT", StringComparison.Ordinal)) return ElmError.UnableToConnect;
        if (line.StartsWith("BUS INIT", StringComparison.Ordinal) || line.StartsWith("BUSINIT", StringComparison.Ordinal))
            return line.Contains("ERROR", StringComparison.Ordinal) ? ElmError.BusInitError : ElmError.None;
        if (line.StartsWith("BUS ERROR", StringComparison.Ordinal) || line.StartsWith("BUSERROR", StringComparison.Ordinal)) return ElmError.BusError;
        if (line.StartsWith("CAN ERROR", StringComparison.Ordinal) || line.StartsWith("CANERROR", StringComparison.Ordinal)) return ElmError.CanError;
        if (line.StartsWith("BUFFER FULL", StringComparison.Ordinal) || line.StartsWith("BUFFERFULL", StringComparison.Ordinal)) return ElmError.BufferFull;
        if (line.StartsWith("DATA ERROR", StringComparison.Ordinal) || line.StartsWith("DATAERROR", StringComparison.Ordinal)) return ElmError.DataError;
        if (line.StartsWith("FB ERROR", StringComparison.Ordinal) || line.StartsWith("FBERROR", StringComparison.Ordinal)) return ElmError.FeedbackError;
        if (line.StartsWith("LP ALERT", StringComparison.Ordinal) || line.StartsWith("LPALERT", StringComparison.Ordinal)) return ElmError.LowPowerAlert;
        if (line.StartsWith("LV RESET", StringComparison.Ordinal) || line.StartsWith("LVRESET", StringComparison.Ordinal)) return ElmError.LvReset;
        if (line.StartsWith("ACT ALERT", StringComparison.Ordinal) || line.StartsWith("ACTALERT", StringComparison.Ordinal)) return ElmError.ActivityAlert;
        if (line.StartsWith("STOPPED", StringComparison.Ordinal)) return ElmError.Stopped;
        return ElmError.None;
    }
}
