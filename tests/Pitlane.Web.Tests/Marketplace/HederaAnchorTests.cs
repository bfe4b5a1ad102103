using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Crypto.Parameters;
using Pitlane.Modules.Marketplace;
using Pitlane.Modules.Marketplace.Provenance.Hedera;
using Pitlane.Modules.Marketplace.Provenance.Hedera.Proto;
using Pitlane.Web.Tests.Infrastructure;
using Pitlane.Web.Tests.Payments;

namespace Pitlane.Web.Tests.Marketplace;

/// <summary>
/// Issue 17, item 3: each signed checkpoint's hash is submitted to a Hedera topic (gRPC to a fake consensus node that
/// verifies the Ed25519 signature over the body bytes), confirmed from a fake mirror node (REST, paged with links.next),
/// and shown in the checkpoint API and on the public verification page. A node that is down, a mirror that lags or
/// answers garbage, and a wrong operator key only leave anchors pending; appends are never blocked.
/// </summary>
public abstract class HederaAnchorTests(PitlaneApp app) : PaymentsTestBase(app)
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static (string Hex, byte[] PublicKey) NewKey()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        return ("302e020100300506032b657004220420" + Convert.ToHexStringLower(seed), new Ed25519PrivateKeyParameters(seed).GeneratePublicKey().GetEncoded());
    }

    private CheckpointAnchorer Anchorer(FakeHedera hedera, string keyHex, ManualClock clock, out HederaConsensusClient client, string? nodeUrl = null)
    {
        var marketplace = App.Services.GetRequiredService<MarketplaceOptions>();
        var options = new MarketplaceOptions
        {
            LogOrigin = marketplace.LogOrigin,
            Hedera = new HederaAnchorOptions
            {
                Enabled = true, NodeUrl = nodeUrl ?? hedera.NodeUrl, NodeAccountId = hedera.NodeAccount.ToString(), OperatorAccountId = hedera.Operator.ToString(),
                OperatorKey = keyHex, TopicId = hedera.Topic.ToString(), MirrorUrl = hedera.MirrorUrl, ConfirmMinutes = 5, IntervalSeconds = 30, TimeoutSeconds = 5,
            },
        };
        var faults = new List<string>();
        options.Hedera.Validate(faults);
        Assert.Empty(faults);
        client = new HederaConsensusClient(options.Hedera);
        var mirror = new HederaMirrorClient(new HttpClient { BaseAddress = new Uri(hedera.MirrorUrl + "/") });
        return new CheckpointAnchorer(App.Services.GetRequiredService<IServiceScopeFactory>(), options, client, mirror, clock, NullLogger<CheckpointAnchorer>.Instance);
    }

    private string Dump()
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        return string.Join("; ", db.LogAnchors.ToList().Select(a => $"{a.CheckpointSize} {a.TopicId} {a.Status} {a.Attempts} {a.NextAttemptAt:O} {a.LastError}"));
    }

    private static string ClosedPortUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    private async Task<(HttpClient Seller, string Serial)> RecordAsync()
    {
        RequireServer();
        var owner = await App.SignedInClientAsync("owner@demo.pitlane.test");
        var me = await owner.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        var shop = me.GetProperty("organizations").EnumerateArray().First(o => !o.GetProperty("personal").GetBoolean()).GetProperty("id").GetGuid();
        var seller = App.BearerClient((await App.TokensAsync("owner@demo.pitlane.test")).AccessToken, shop);
        var serial = "ALT-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        await Json(await seller.PostAsJsonAsync($"/api/v1/marketplace/parts/{serial}/events", new { @event = "manufactured", brand = "Denso", partNumber = "104210-3341" }, Ct), HttpStatusCode.Created);
        return (seller, serial);
    }

    private static async Task<long> LatestSizeAsync(HttpClient client)
    {
        var note = await client.GetStringAsync("/api/v1/provenance/checkpoint", Ct);
        return long.Parse(note.Split('\n')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Given_anchoring_on_When_the_node_is_down_then_up_and_the_mirror_lags_Then_each_checkpoint_is_confirmed_with_its_topic_sequence_and_running_hash()
    {
        var (seller, serial) = await RecordAsync();
        var (keyHex, publicKey) = NewKey();
        await using var hedera = await FakeHedera.StartAsync(publicKey);
        var clock = new ManualClock();
        hedera.Now = () => clock.Now;

        // The node is down: the anchor stays pending with the reason, and appending goes on regardless.
        var down = Anchorer(hedera, keyHex, clock, out var downClient, ClosedPortUrl());
        using (downClient)
        {
            var failed = await down.RunOnceAsync(Ct);
            Assert.True(failed.Queued >= 1);
            Assert.Equal(1, failed.Failed);
            Assert.Equal(0, failed.Submitted);
        }
        await Json(await seller.PostAsJsonAsync($"/api/v1/marketplace/parts/{serial}/events", new { @event = "installed", vin = "1HGCM82633A004352" }, Ct), HttpStatusCode.Created);
        using var anonymous = App.CreateClient();
        var size = await LatestSizeAsync(anonymous);
        var pending = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/provenance/checkpoints/{size - 1}", Ct);
        Assert.Equal("pending", pending.GetProperty("anchor").GetProperty("status").GetString());
        Assert.Contains("did not answer", pending.GetProperty("anchor").GetProperty("lastError").GetString());

        // Back up, after the back-off: every checkpoint is submitted, signed with the operator key (the fake checks it).
        clock.Now += TimeSpan.FromHours(1);
        hedera.MirrorShows = false;
        var anchorer = Anchorer(hedera, keyHex, clock, out var client);
        using var _ = client;
        var round = await anchorer.RunOnceAsync(Ct);
        Assert.True(round.Submitted >= 2, $"{round}: " + Dump());
        Assert.Equal(0, round.Failed);
        Assert.All(hedera.Prechecks, code => Assert.Equal(ResponseCodeEnum.Ok, code));
        var latest = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/provenance/checkpoints/{size}", Ct);
        var expectedMessage = CheckpointAnchorer.MessageFor(App.Services.GetRequiredService<MarketplaceOptions>().LogOrigin, size, latest.GetProperty("note").GetString()!);
        Assert.Equal(expectedMessage, latest.GetProperty("anchorMessage").GetString());
        Assert.Contains(hedera.Messages, m => Encoding.UTF8.GetString(m.Message) == expectedMessage);
        Assert.Equal("submitted", latest.GetProperty("anchor").GetProperty("status").GetString());

        // The mirror has not caught up, then answers garbage: nothing is confirmed and nothing breaks.
        Assert.Equal(0, (await anchorer.RunOnceAsync(Ct)).Confirmed);
        hedera.MirrorOverride = "{\"messages\": [{\"sequence_number\": \"x\"";
        Assert.Equal(0, (await anchorer.RunOnceAsync(Ct)).Confirmed);
        hedera.MirrorOverride = "{\"messages\":[{\"consensus_timestamp\":\"1.000000001\",\"message\":\"%%not base64%%\",\"running_hash\":\"AA==\",\"sequence_number\":1,\"topic_id\":\"0.0.1\"}],\"links\":{\"next\":null}}";
        Assert.Equal(0, (await anchorer.RunOnceAsync(Ct)).Confirmed);
        hedera.MirrorOverride = null;

        // Never shown within ConfirmMinutes: submitted again.
        var sentBefore = hedera.Messages.Count;
        clock.Now += TimeSpan.FromMinutes(6);
        var again = await anchorer.RunOnceAsync(Ct);
        Assert.True(again.Submitted >= 2);
        Assert.True(hedera.Messages.Count >= sentBefore + 2);

        // The mirror shows them (two per page, so links.next is followed): confirmed with the topic's own record.
        hedera.MirrorShows = true;
        var requestsBefore = hedera.MirrorRequests;
        var confirmed = await anchorer.RunOnceAsync(Ct);
        Assert.True(confirmed.Confirmed >= 2, $"confirmed {confirmed.Confirmed}");
        Assert.True(hedera.MirrorRequests - requestsBefore >= 2, "links.next was not followed");
        var anchor = (await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/provenance/checkpoints/{size}", Ct)).GetProperty("anchor");
        var onTopic = hedera.Messages.Where(m => Encoding.UTF8.GetString(m.Message) == expectedMessage).OrderBy(m => m.SequenceNumber).First();
        Assert.Equal("confirmed", anchor.GetProperty("status").GetString());
        Assert.Equal(hedera.Topic.ToString(), anchor.GetProperty("topicId").GetString());
        Assert.Equal(onTopic.SequenceNumber, anchor.GetProperty("sequenceNumber").GetInt64());
        Assert.Equal(onTopic.ConsensusTimestamp, anchor.GetProperty("consensusTimestamp").GetString());
        Assert.Equal(onTopic.RunningHash, anchor.GetProperty("runningHash").GetString());

        var page = await anonymous.GetStringAsync($"/parts/{serial}", Ct);
        Assert.Contains($"Hedera topic {hedera.Topic}", page);
        Assert.Contains(onTopic.ConsensusTimestamp, page);
        await ProblemAsync(await anonymous.GetAsync("/api/v1/provenance/checkpoints/999999999", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Given_the_wrong_operator_key_Then_the_node_refuses_the_signature_and_the_anchor_stays_pending_with_the_reason()
    {
        await RecordAsync();
        var (_, registered) = NewKey();
        var (otherKey, _) = NewKey();
        await using var hedera = await FakeHedera.StartAsync(registered);
        var clock = new ManualClock();
        var anchorer = Anchorer(hedera, otherKey, clock, out var client);
        using var _ = client;

        var round = await anchorer.RunOnceAsync(Ct);
        Assert.Equal(1, round.Failed);
        Assert.Equal(0, round.Submitted);
        Assert.Equal([ResponseCodeEnum.InvalidSignature], hedera.Prechecks);
        Assert.Empty(hedera.Messages);
        using var anonymous = App.CreateClient();
        var checkpoint = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/provenance/checkpoints/{await LatestSizeAsync(anonymous)}", Ct);
        Assert.Equal("pending", checkpoint.GetProperty("anchor").GetProperty("status").GetString());
        Assert.Contains("InvalidSignature", checkpoint.GetProperty("anchor").GetProperty("lastError").GetString());

        // Still within the back-off: not tried again yet.
        Assert.Equal(0, (await anchorer.RunOnceAsync(Ct)).Failed);
        Assert.Single(hedera.Prechecks);
    }
}

public sealed class HederaAnchorTestsOnSqlite(SqliteApp app) : HederaAnchorTests(app), IClassFixture<SqliteApp>;

public sealed class HederaAnchorTestsOnPostgres(PostgresApp app) : HederaAnchorTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
