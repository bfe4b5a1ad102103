using System.Globalization;

namespace Pitlane.Obd.Transport;

/// <summary>
/// Where the adapter is: <c>tcp://host:port</c> (Wi-Fi adapters listen on 35000 by convention) or
/// <c>serial:///dev/ttyUSB0?baud=38400</c>.
/// </summary>
public abstract record AdapterAddress
{
    public static readonly IReadOnlyList<int> SupportedBaudRates = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 921600, 1000000, 2000000];

    public static AdapterAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
            throw new AdapterUriException($"adapter '{text}' is not a URI: use tcp://HOST:PORT or serial:///dev/ttyUSB0?baud=38400");
        return uri.Scheme switch
        {
            "tcp" => ParseTcp(text, uri),
            "serial" => ParseSerial(text, uri),
            _ => throw new AdapterUriException($"adapter '{text}' has scheme '{uri.Scheme}': use tcp://HOST:PORT or serial:///dev/ttyUSB0?baud=38400"),
        };
    }

    private static TcpAdapterAddress ParseTcp(string text, Uri uri)
    {
        if (string.IsNullOrEmpty(uri.Host))
            throw new AdapterUriException($"adapter '{text}' has no host: use tcp://HOST:PORT");
        if (uri.IsDefaultPort || uri.Port <= 0)
            throw new AdapterUriException($"adapter '{text}' has no port: use tcp://HOST:PORT (Wi-Fi adapters usually listen on 35000)");
        if (uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0)
            throw new AdapterUriException($"adapter '{text}' has a path or query; tcp adapters take only tcp://HOST:PORT");
        return new TcpAdapterAddress(uri.Host, uri.Port);
    }

    private static SerialAdapterAddress ParseSerial(string text, Uri uri)
    {
        if (!string.IsNullOrEmpty(uri.Host))
            throw new AdapterUriException($"adapter '{text}' names host '{uri.Host}': a serial device is serial:///dev/ttyUSB0 (three slashes)");
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        if (!path.StartsWith("/dev/", StringComparison.Ordinal) || path.Length <= 5)
            throw new AdapterUriException($"adapter '{text}' is not a device under /dev: use serial:///dev/ttyUSB0?baud=38400");
        int baud = 38400;
        foreach (var part in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2);
            if (kv[0] != "baud")
                throw new AdapterUriException($"adapter '{text}' has unknown option '{kv[0]}': only baud is supported");
            if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out baud) || !SupportedBaudRates.Contains(baud))
                throw new AdapterUriException($"adapter '{text}' has baud '{(kv.Length == 2 ? kv[1] : "")}': use one of {string.Join(", ", SupportedBaudRates)}");
        }
        return new SerialAdapterAddress(path, baud);
    }

    public abstract Task<IElmTransport> OpenAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

public sealed record TcpAdapterAddress(string Host, int Port) : AdapterAddress
{
    public override async Task<IElmTransport> OpenAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await TcpElmTransport.ConnectAsync(Host, Port, timeout, cancellationToken);

    public override string ToString() => $"tcp://{Host}:{Port}";
}

public sealed record SerialAdapterAddress(string DevicePath, int BaudRate) : AdapterAddress
{
    public override Task<IElmTransport> OpenAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        OperatingSystem.IsLinux()
            ? Task.FromResult<IElmTransport>(SerialElmTransport.Open(DevicePath, BaudRate))
            : throw new ObdTransportException("serial adapters are supported on Linux only");

    public override string ToString() => $"serial://{DevicePath}?baud={BaudRate}";
}
