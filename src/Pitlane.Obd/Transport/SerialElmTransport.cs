using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Pitlane.Obd.Transport;

/// <summary>
/// An ELM327 on a Linux tty (USB or Bluetooth RFCOMM serial). System.IO.Ports is not available,
/// so the port is configured through termios: raw mode (cfmakeraw), 8N1, CLOCAL|CREAD, the baud
/// rate; reads and writes are non-blocking with poll(2) in short slices so cancellation is honoured.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SerialElmTransport : IElmTransport
{
    private const int PollSliceMs = 50;
    private readonly int _fd;
    private readonly byte[] _readBuffer = new byte[4096];
    private int _disposed;

    private SerialElmTransport(int fd, string description)
    {
        _fd = fd;
        Description = description;
    }

    public string Description { get; }

    public static SerialElmTransport Open(string devicePath, int baudRate)
    {
        if (!OperatingSystem.IsLinux())
            throw new ObdTransportException("serial adapters are supported on Linux only");
        uint speed = Native.SpeedConstant(baudRate);
        int fd = Native.open(devicePath, Native.O_RDWR | Native.O_NOCTTY | Native.O_NONBLOCK);
        if (fd < 0)
            throw new ObdTransportException($"cannot open {devicePath}: {Native.LastError()}");
        try
        {
            var termios = new byte[Native.TermiosSize];
            if (Native.tcgetattr(fd, termios) != 0)
                throw new ObdTransportException($"{devicePath} is not a terminal device: {Native.LastError()}");
            Native.cfmakeraw(termios);
            uint cflag = BitConverter.ToUInt32(termios, Native.CflagOffset) | Native.CLOCAL | Native.CREAD;
            cflag &= ~Native.CSTOPB;
            BitConverter.TryWriteBytes(termios.AsSpan(Native.CflagOffset), cflag);
            termios[Native.CcOffset + Native.VMIN] = 0;
            termios[Native.CcOffset + Native.VTIME] = 0;
            if (Native.cfsetispeed(termios, speed) != 0 || Native.cfsetospeed(termios, speed) != 0)
                throw new ObdTransportException($"{devicePath}: baud rate {baudRate} rejected: {Native.LastError()}");
            if (Native.tcsetattr(fd, Native.TCSANOW, termios) != 0)
                throw new ObdTransportException($"{devicePath}: cannot configure the port: {Native.LastError()}");
            _ = Native.tcflush(fd, Native.TCIOFLUSH);
            return new SerialElmTransport(fd, $"serial://{devicePath}?baud={baudRate}");
        }
        catch
        {
            _ = Native.close(fd);
            throw;
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var bytes = data.ToArray();
        int offset = 0;
        while (offset < bytes.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!WaitFor(Native.POLLOUT, PollSliceMs)) continue;
            var chunk = offset == 0 ? bytes : bytes[offset..];
            nint n = Native.write(_fd, chunk, chunk.Length);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is Native.EAGAIN or Native.EINTR) continue;
                throw new ObdTransportException($"{Description}: write failed: {Native.Describe(errno)}");
            }
            offset += (int)n;
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool ready = await Task.Run(() => WaitFor(Native.POLLIN, PollSliceMs), cancellationToken);
            if (!ready) continue;
            nint n = Native.read(_fd, _readBuffer, Math.Min(buffer.Length, _readBuffer.Length));
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is Native.EAGAIN or Native.EINTR) continue;
                throw new ObdTransportException($"{Description}: read failed: {Native.Describe(errno)}");
            }
            if (n == 0) return 0;
            _readBuffer.AsSpan(0, (int)n).CopyTo(buffer.Span);
            return (int)n;
        }
    }

    private bool WaitFor(short events, int timeoutMs)
    {
        var fds = new Native.PollFd { Fd = _fd, Events = events };
        int rc = Native.poll(ref fds, 1, timeoutMs);
        if (rc < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Native.EINTR) return false;
            throw new ObdTransportException($"{Description}: poll failed: {Native.Describe(errno)}");
        }
        if ((fds.Revents & (Native.POLLERR | Native.POLLHUP | Native.POLLNVAL)) != 0 && (fds.Revents & events) == 0)
            throw new ObdTransportException($"{Description}: device disconnected");
        return rc > 0;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _ = Native.close(_fd);
        return ValueTask.CompletedTask;
    }

    private static class Native
    {
        // glibc struct termios on Linux: four tcflag_t, c_line, c_cc[32], c_ispeed, c_ospeed (60 bytes).
        public const int TermiosSize = 64;
        public const int CflagOffset = 8;
        public const int CcOffset = 17;
        public const int VTIME = 5;
        public const int VMIN = 6;
        public const uint CREAD = 0x80;
        public const uint CLOCAL = 0x800;
        public const uint CSTOPB = 0x40;
        public const int TCSANOW = 0;
        public const int TCIOFLUSH = 2;
        public const int O_RDWR = 0x2;
        public const int O_NOCTTY = 0x100;
        public const int O_NONBLOCK = 0x800;
        public const short POLLIN = 0x1;
        public const short POLLOUT = 0x4;
        public const short POLLERR = 0x8;
        public const short POLLHUP = 0x10;
        public const short POLLNVAL = 0x20;
        public const int EINTR = 4;
        public const int EAGAIN = 11;

        [StructLayout(LayoutKind.Sequential)]
        public struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        public static uint SpeedConstant(int baud) => baud switch
        {
            9600 => 0xD,
            19200 => 0xE,
            38400 => 0xF,
            57600 => 0x1001,
            115200 => 0x1002,
            230400 => 0x1003,
            460800 => 0x1004,
            500000 => 0x1005,
            921600 => 0x1007,
            1000000 => 0x1008,
            2000000 => 0x100B,
            _ => throw new AdapterUriException($"baud rate {baud} is not supported"),
        };

        public static string LastError() => Describe(Marshal.GetLastPInvokeError());

        public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

#pragma warning disable CA5392, SYSLIB1054 // libc is resolved by the runtime; DllImport keeps the project free of unsafe code.
        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern nint read(int fd, byte[] buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        public static extern nint write(int fd, byte[] buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        public static extern int poll(ref PollFd fds, nuint count, int timeout);

        [DllImport("libc", SetLastError = true)]
        public static extern int tcgetattr(int fd, byte[] termios);

        [DllImport("libc", SetLastError = true)]
        public static extern int tcsetattr(int fd, int optionalActions, byte[] termios);

        [DllImport("libc", SetLastError = true)]
        public static extern void cfmakeraw(byte[] termios);

        [DllImport("libc", SetLastError = true)]
        public static extern int cfsetispeed(byte[] termios, uint speed);

        [DllImport("libc", SetLastError = true)]
        public static extern int cfsetospeed(byte[] termios, uint speed);

        [DllImport("libc", SetLastError = true)]
        public static extern int tcflush(int fd, int queueSelector);
#pragma warning restore CA5392, SYSLIB1054
    }
}
