using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Accounts;
using Pitlane.Platform.Tenancy;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Sales;

/// <summary>A dealership with an owner, a sales manager, two salespeople and a technician; test audio made in code.</summary>
public abstract class SalesTestBase(PitlaneApp app)
{
    protected PitlaneApp App => app;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual void RequireServer()
    {
    }

    internal sealed record Dealership(Guid Org, HttpClient Owner, HttpClient Manager, HttpClient Seller, HttpClient OtherSeller, HttpClient Technician, string SellerEmail);

    internal async Task<Dealership> DealershipAsync()
    {
        RequireServer();
        var (owner, _) = await app.NewUserAsync("Owner");
        var created = await owner.PostAsJsonAsync("/api/v1/organizations", new { name = "Coach Motors", kind = "Shop" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var org = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var people = new List<(HttpClient Client, string Email, OrganizationRole Role)>();
        foreach (var (name, role) in new[] { ("Manager", OrganizationRole.Manager), ("Seller", OrganizationRole.Salesperson), ("Other", OrganizationRole.Salesperson), ("Tech", OrganizationRole.Technician) })
        {
            var (client, email) = await app.NewUserAsync(name);
            people.Add((client, email, role));
        }
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            foreach (var (_, email, role) in people)
            {
                var id = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(Ct);
                db.Memberships.Add(Membership.Create(org, id, role, DateTime.UtcNow));
            }
            await db.SaveChangesAsync(Ct);
        }
        foreach (var client in people.Select(p => p.Client).Append(owner))
        {
            client.DefaultRequestHeaders.Add("X-Organization-Id", org.ToString());
        }
        return new Dealership(org, owner, people[0].Client, people[1].Client, people[2].Client, people[3].Client, people[1].Email);
    }

    protected async Task<System.Net.WebSockets.WebSocket> ConnectAsync(HttpClient client, string url)
    {
        var ws = App.Server.CreateWebSocketClient();
        ws.ConfigureRequest = r => r.Headers.Authorization = client.DefaultRequestHeaders.Authorization!.ToString();
        return await ws.ConnectAsync(new Uri(App.Server.BaseAddress, url), Ct);
    }

    /// <summary>Collects the socket's JSON messages, each with the <paramref name="clock"/>'s time, until it closes.</summary>
    protected static Task ReceiveAllAsync(System.Net.WebSockets.WebSocket socket, List<(JsonElement Message, double Wall)> messages, System.Diagnostics.Stopwatch clock) => Task.Run(async () =>
    {
        var buffer = new byte[64 * 1024];
        while (socket.State == System.Net.WebSockets.WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, Ct);
            if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                break;
            }
            lock (messages)
            {
                messages.Add((JsonDocument.Parse(buffer.AsMemory(0, result.Count)).RootElement.Clone(), clock.Elapsed.TotalSeconds));
            }
        }
    }, Ct);

    protected static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await Json(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    protected static async Task<JsonElement> StartAsync(HttpClient client, object? request = null) =>
        await Json(await client.PostAsJsonAsync("/api/v1/sales/sessions", request ?? new { kind = "pitch", persona = "Young family" }, Ct), HttpStatusCode.Created);

    protected static Guid Id(JsonElement e) => e.GetProperty("id").GetGuid();

    protected static Task<HttpResponseMessage> UploadAsync(HttpClient client, Guid session, byte[] body, string type = "audio/wav")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new(type);
        return client.PostAsync($"/api/v1/sales/sessions/{session}/recording", content, Ct);
    }

    /// <summary>A voiced signal with syllable-like amplitude modulation and a moving pitch, at an active level in dBFS.</summary>
    internal static float[] Voice(double seconds, double levelDbfs, double syllablesPerSecond = 4, double pauseEvery = 0)
    {
        var n = (int)(seconds * 16000);
        var x = new float[n];
        double phase = 0, power = 0;
        var active = 0;
        for (var i = 0; i < n; i++)
        {
            var t = i / 16000.0;
            if (pauseEvery > 0 && t % pauseEvery > pauseEvery - 0.8)
            {
                continue;
            }
            var f0 = 130 * Math.Pow(2, 0.35 * Math.Sin(2 * Math.PI * t / 1.3));
            phase += 2 * Math.PI * f0 / 16000;
            double v = 0;
            for (var h = 1; h <= 8; h++)
            {
                v += Math.Sin(h * phase) / h;
            }
            x[i] = (float)(v * (0.55 - 0.45 * Math.Cos(2 * Math.PI * syllablesPerSecond * t)));
            power += x[i] * x[i];
            active++;
        }
        var gain = (float)(Math.Pow(10, levelDbfs / 20) / Math.Sqrt(power / Math.Max(1, active)));
        for (var i = 0; i < n; i++)
        {
            x[i] *= gain;
        }
        return x;
    }

    internal static byte[] Wav(float[] samples, int rate = 16000)
    {
        var data = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), (short)Math.Clamp(samples[i] * 32767, -32768, 32767));
        }
        return Pitlane.Modules.Sales.Capture.AudioStore.Wav(data) is var wav && rate != 16000 ? Rate(wav, rate) : Pitlane.Modules.Sales.Capture.AudioStore.Wav(data);
    }

    private static byte[] Rate(byte[] wav, int rate)
    {
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), rate * 2);
        return wav;
    }

    protected static bool HasFfmpeg => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "ffmpeg")));

    protected static void RequireFfmpeg()
    {
        if (!HasFfmpeg)
        {
            ServerRequirement.Unavailable("ffmpeg is not installed (apt-get install ffmpeg)");
        }
    }
}
