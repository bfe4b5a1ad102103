using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pitlane.Vin.Tests.Vpic;

/// <summary>A real HTTP/1.1 listener on 127.0.0.1 and a free port, answering like vPIC with canned bodies.</summary>
internal sealed class FakeVpicServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<HttpListenerRequest, CancellationToken, Task<FakeAnswer>> _answer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private FakeVpicServer(HttpListener listener, Uri baseAddress, Func<HttpListenerRequest, CancellationToken, Task<FakeAnswer>> answer)
    {
        _listener = listener;
        BaseAddress = baseAddress;
        _answer = answer;
        _loop = Task.Run(AcceptLoop);
    }

    public Uri BaseAddress { get; }

    /// <summary>Path and query exactly as each request line carried them.</summary>
    public ConcurrentQueue<string> RequestTargets { get; } = new();

    public static FakeVpicServer Start(FakeAnswer answer) => Start((_, _) => Task.FromResult(answer));

    public static FakeVpicServer Start(Func<HttpListenerRequest, CancellationToken, Task<FakeAnswer>> answer)
    {
        // HttpListener needs a concrete port: borrow a free one from the OS and retry if another process wins the race.
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();

            var listener = new HttpListener();
            var prefix = $"http://127.0.0.1:{port}/";
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
                return new FakeVpicServer(listener, new Uri(prefix), answer);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    public HttpClient CreateClient(TimeSpan? timeout = null) =>
        new() { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(10) };

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
        catch (HttpListenerException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync();
            _ = Task.Run(() => Serve(context));
        }
    }

    private async Task Serve(HttpListenerContext context)
    {
        RequestTargets.Enqueue(context.Request.RawUrl ?? string.Empty);
        try
        {
            var answer = await _answer(context.Request, _stopping.Token);
            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, _stopping.Token);
            context.Response.Close();
        }
        catch (OperationCanceledException)
        {
            // The fake is shutting down while a deliberately slow answer is still waiting: drop the connection.
            context.Response.Abort();
        }
        catch (HttpListenerException)
        {
            // The client gave up (e.g. its timeout fired) before the answer was written.
        }
    }
}

internal sealed record FakeAnswer(int Status, string Body, string ContentType = "application/json; charset=utf-8");
