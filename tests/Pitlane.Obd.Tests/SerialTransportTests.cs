using System.Runtime.InteropServices;
using Pitlane.Obd.Elm;
using Pitlane.Obd.J1979;
using Pitlane.Obd.Transport;

namespace Pitlane.Obd.Tests;

/// <summary>
/// The termios serial transport against a pseudo-terminal: the test holds the pty master and plays
/// a hand-written ELM327 on it, the transport opens the slave /dev/pts/N as it would /dev/ttyUSB0.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SerialTransportTests
{
    [Fact]
    public async Task Serial_transport_talks_to_an_elm_on_a_pseudo_terminal()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("serial transport is Linux only");
        int master = Pty.posix_openpt(Pty.O_RDWR | Pty.O_NOCTTY);
        if (master < 0) Assert.Skip("no pseudo-terminals available");
        try
        {
            Assert.Equal(0, Pty.grantpt(master));
            Assert.Equal(0, Pty.unlockpt(master));
            var slave = Marshal.PtrToStringUTF8(Pty.ptsname(master))!;
            var elm = Transcripts.Can11Misfire();
            using var stop = new CancellationTokenSource();
            var bridge = Task.Run(() => Bridge(master, elm, stop.Token), stop.Token);

            await using (var adapter = new Elm327Adapter(SerialElmTransport.Open(slave, 38400), new ElmOptions { CommandTimeout = TimeSpan.FromSeconds(3) }))
            {
                await adapter.InitializeAsync(TestContext.Current.CancellationToken);
                var vin = await new ObdClient(adapter).ReadVinAsync(TestContext.Current.CancellationToken);
                Assert.Equal(Transcripts.Vin, vin!.Text);
                Assert.StartsWith("serial:///dev/pts/", adapter.TransportDescription, StringComparison.Ordinal);
            }
            await stop.CancelAsync();
            await bridge;
        }
        finally
        {
            _ = Pty.close(master);
        }
    }

    [Fact]
    public void Opening_a_missing_device_names_it()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("serial transport is Linux only");
        var e = Assert.Throws<ObdTransportException>(() => SerialElmTransport.Open("/dev/ttyPITLANE_MISSING", 38400));
        Assert.Contains("/dev/ttyPITLANE_MISSING", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_a_file_that_is_not_a_tty_is_refused()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("serial transport is Linux only");
        var e = Assert.Throws<ObdTransportException>(() => SerialElmTransport.Open("/dev/null", 38400));
        Assert.Contains("not a terminal", e.Message, StringComparison.Ordinal);
    }

    // Pumps bytes between the pty master and the fake adapter until cancelled.
    private static async Task Bridge(int master, FakeElm elm, CancellationToken stop)
    {
        var toMaster = Task.Run(async () =>
        {
            var buffer = new byte[256];
            while (!stop.IsCancellationRequested)
            {
                int n = await elm.ReadAsync(buffer, stop);
                _ = Pty.write(master, buffer, n);
            }
        }, stop);
        var input = new byte[256];
        while (!stop.IsCancellationRequested)
        {
            var fd = new Pty.PollFd { Fd = master, Events = 1 };
            if (Pty.poll(ref fd, 1, 50) <= 0) continue;
            nint n = Pty.read(master, input, input.Length);
            if (n > 0) await elm.WriteAsync(input.AsMemory(0, (int)n), stop);
        }
        try
        {
            await toMaster;
        }
        catch (OperationCanceledException)
        {
            // Stopping the bridge.
        }
    }

#pragma warning disable CA5392, SYSLIB1054, CA1401
    private static class Pty
    {
        public const int O_RDWR = 0x2;
        public const int O_NOCTTY = 0x100;

        [StructLayout(LayoutKind.Sequential)]
        public struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [DllImport("libc", SetLastError = true)]
        public static extern int posix_openpt(int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int grantpt(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int unlockpt(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern IntPtr ptsname(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern nint read(int fd, byte[] buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        public static extern nint write(int fd, byte[] buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        public static extern int poll(ref PollFd fds, nuint count, int timeout);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
#pragma warning restore CA5392, SYSLIB1054, CA1401
}
