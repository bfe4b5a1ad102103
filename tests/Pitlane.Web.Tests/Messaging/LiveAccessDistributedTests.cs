using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pitlane.Platform;
using Pitlane.Platform.Messaging;
using Pitlane.Web.Tests.Infrastructure;
using HubClient = Pitlane.Web.Tests.Telemetry.TelemetryTests.HubClient;

namespace Pitlane.Web.Tests.Messaging;

/// <summary>
/// The distributed profile: a removal or a sign-out made through one instance reaches live connections held by the
/// other, through the fan-out of the Accounts module's events over RabbitMQ (not the 30-second caches).
/// </summary>
[Collection(RabbitMqServer.Collection)]
public sealed class LiveAccessDistributedTests(RabbitMqServer rabbit, PostgresServer postgres)
{
    [Fact]
    public async Task Given_connection_on_instance_A_When_member_removed_and_session_signed_out_through_B_Then_A_drops_and_closes_it()
    {
        if (postgres.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
        await rabbit.EnsureStartedAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Pitlane"] = await postgres.CreateDatabaseAsync("live_access"),
            ["Pitlane:Messaging:Provider"] = "RabbitMq",
            ["Pitlane:Messaging:RabbitMq:Uri"] = await rabbit.CreateVirtualHostAsync(),
            ["Pitlane:Auth:SigningKey"] = "live-access-tests-shared-signing-key-0123456789",
            ["Pitlane:PublicBaseUrl"] = "http://127.0.0.1",
            ["Pitlane:Demo:Seed"] = "false",
            ["Pitlane:Live:RecheckSeconds"] = "600",
        };
        await using var a = new Instance(settings);
        await using var b = new Instance(settings);
        foreach (var instance in new[] { a, b })
        {
            await instance.InitializeAsync();
            await instance.Services.GetServices<IHostedService>().OfType<RabbitMqConsumers>().Single().Started.WaitAsync(TimeSpan.FromSeconds(20));
        }

        var shop = await LiveAccess.ShopAsync(a);
        var memberTokens = await a.TokensAsync(shop.MemberEmail, LiveAccess.Password);
        await using var member = await HubClient.ConnectAsync(a, memberTokens.AccessToken);
        Assert.True(await member.InvokeAsync("JoinOrganization", shop.Org));
        // A has the membership cached now; B removes it.
        using var ownerOnB = await b.SignedInClientAsync(shop.OwnerEmail, LiveAccess.Password);
        Assert.Equal(HttpStatusCode.NoContent, (await ownerOnB.DeleteAsync($"/api/v1/organizations/{shop.Org}/members/{shop.MemberId}")).StatusCode);

        var told = await member.NextInvocationAsync("access", LiveAccess.Bound);
        Assert.NotNull(told);
        Assert.Equal("removed", told.Value.GetProperty("arguments")[0].GetProperty("reason").GetString());
        await LiveAccess.PingAsync(a, shop.Org, 1);
        Assert.Null(await member.NextInvocationAsync("ping", TimeSpan.FromSeconds(1)));
        // A's API cache was told as well: the removed member is refused there at once.
        using var memberOnA = a.BearerClient(memberTokens.AccessToken, shop.Org);
        Assert.Equal(HttpStatusCode.NotFound, (await memberOnA.GetAsync($"/api/v1/organizations/{shop.Org}/members")).StatusCode);

        using var memberOnB = b.BearerClient(memberTokens.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await memberOnB.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = memberTokens.RefreshToken })).StatusCode);
        Assert.True(await member.ClosedWithinAsync(LiveAccess.Bound), "A closes the connection of the session signed out on B");
        Assert.Equal(HttpStatusCode.Unauthorized, (await memberOnA.GetAsync("/api/v1/me")).StatusCode);
    }

    private sealed class Instance(IReadOnlyDictionary<string, string?> settings) : PitlaneApp
    {
        public override DatabaseProvider Provider => DatabaseProvider.Postgres;

        public override async ValueTask InitializeAsync()
        {
            await base.InitializeAsync();
            foreach (var (key, value) in settings)
            {
                Set(key, value);
            }
            // Starts the host now, as the pair's consumers must be listening before the test acts.
            _ = Server;
        }
    }
}
