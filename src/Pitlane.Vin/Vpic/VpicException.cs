using System.Net;

namespace Pitlane.Vin.Vpic;

/// <summary>
/// vPIC could not give a usable answer: unreachable, timed out (the HttpClient's Timeout), a non-2xx
/// status, or a body that is not the DecodeVinValues JSON. Callers fall back to <see cref="VinDecoder"/>.
/// Cancellation requested by the caller's token is not wrapped and surfaces as OperationCanceledException.
/// </summary>
public sealed class VpicException : Exception
{
    public VpicException()
    {
    }

    public VpicException(string message)
        : base(message)
    {
    }

    public VpicException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public VpicException(string message, HttpStatusCode? statusCode, bool isTimeout, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        IsTimeout = isTimeout;
    }

    /// <summary>The HTTP status vPIC answered with, when it answered at all.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The request ran past the HttpClient's Timeout.</summary>
    public bool IsTimeout { get; }
}
