using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Accounts;
using Pitlane.Modules.Media;
using Pitlane.Platform.Tenancy;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Media;

/// <summary>The media store over HTTP: type from the bytes, limits, organisation scope, roles, signed links, shared blobs.</summary>
public abstract class MediaTests(PitlaneApp app)
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual void RequireServer()
    {
    }

    internal static byte[] Jpeg(int size = 2048, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        bytes[3] = 0xE0;
        return bytes;
    }

    internal static byte[] Png() => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 100).Select(i => (byte)i)];

    internal static byte[] Mp4(int size = 4096)
    {
        var bytes = new byte[size];
        byte[] head = [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8];
        head.CopyTo(bytes, 0);
        return bytes;
    }

    internal sealed record Shop(Guid Org, HttpClient Owner, HttpClient Technician);

    internal async Task<Shop> ShopAsync()
    {
        RequireServer();
        var (owner, _) = await app.NewUserAsync("Owner");
        var created = await owner.PostAsJsonAsync("/api/v1/organizations", new { name = "Media Garage", kind = "Shop" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var org = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var (tech, techEmail) = await app.NewUserAsync("Tech");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            var id = await db.Users.Where(u => u.Email == techEmail).Select(u => u.Id).SingleAsync(Ct);
            db.Memberships.Add(Membership.Create(org, id, OrganizationRole.Technician, DateTime.UtcNow));
            await db.SaveChangesAsync(Ct);
        }
        owner.DefaultRequestHeaders.Add("X-Organization-Id", org.ToString());
        tech.DefaultRequestHeaders.Add("X-Organization-Id", org.ToString());
        return new Shop(org, owner, tech);
    }

    internal static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static Task<HttpResponseMessage> Raw(HttpClient client, byte[] body, string? name = null, string type = "application/octet-stream")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new(type);
        return client.PostAsync("/api/v1/media" + (name is null ? "" : "?name=" + Uri.EscapeDataString(name)), content, Ct);
    }

    private async Task<int> CountAsync(Guid org)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MediaDbContext>().Objects.CountAsync(m => m.OrganizationId == org, Ct);
    }

    [Fact]
    public async Task Given_jpeg_sent_as_anything_When_stored_Then_type_comes_from_bytes_and_content_is_served_safely()
    {
        var shop = await ShopAsync();
        var bytes = Jpeg();
        var stored = await Json(await Raw(shop.Technician, bytes, "brake pads.jpg", "text/html"), HttpStatusCode.Created);
        Assert.Equal("image", stored.GetProperty("kind").GetString());
        Assert.Equal("image/jpeg", stored.GetProperty("contentType").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.GetProperty("sha256").GetString());
        Assert.Equal("brake pads.jpg", stored.GetProperty("fileName").GetString());

        var content = await shop.Owner.GetAsync(stored.GetProperty("url").GetString(), Ct);
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Equal(bytes, await content.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("image/jpeg", content.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", content.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", content.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("inline", content.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task Given_multipart_upload_with_path_in_name_When_stored_Then_only_the_last_segment_is_kept()
    {
        var shop = await ShopAsync();
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(Png());
        part.Headers.ContentType = new("image/png");
        form.Add(part, "file", "../../etc/passwd.png");
        var stored = await Json(await shop.Technician.PostAsync("/api/v1/media", form, Ct), HttpStatusCode.Created);
        Assert.Equal("image/png", stored.GetProperty("contentType").GetString());
        Assert.Equal("passwd.png", stored.GetProperty("fileName").GetString());

        using var empty = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        await Json(await shop.Technician.PostAsync("/api/v1/media", empty, Ct), HttpStatusCode.BadRequest);
        var broken = new StringContent("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nnever ends");
        broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        var status = (await shop.Technician.PostAsync("/api/v1/media", broken, Ct)).StatusCode;
        Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, $"got {status}");
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><script>alert(1)</script></html>", 415)]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>", 415)]
    [InlineData("\u007fELF\u0002\u0001\u0001\0\0\0\0\0\0\0\0\0", 415)]
    [InlineData("PK\u0003\u0004 a zip with a jpg inside", 415)]
    [InlineData("", 400)]
    public async Task Given_hostile_or_empty_bytes_When_uploaded_Then_refused_with_problem_and_nothing_stored(string body, int status)
    {
        var shop = await ShopAsync();
        var response = await Raw(shop.Owner, Encoding.Latin1.GetBytes(body), "photo.jpg", "image/jpeg");
        await Json(response, (HttpStatusCode)status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await CountAsync(shop.Org));
    }

    [Fact]
    public async Task Given_file_over_the_host_body_limit_but_under_the_media_limit_When_uploaded_Then_stored()
    {
        var shop = await ShopAsync();
        var big = Jpeg(3 * 1024 * 1024, seed: 7);
        var stored = await Json(await Raw(shop.Owner, big), HttpStatusCode.Created);
        Assert.Equal(big.Length, stored.GetProperty("length").GetInt64());
    }

    [Fact]
    public async Task Given_another_organisation_When_it_asks_for_a_file_Then_404_everywhere()
    {
        var shop = await ShopAsync();
        var id = (await Json(await Raw(shop.Owner, Jpeg()), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var (stranger, _) = await app.NewUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/media/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/media/{id}/content", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"/api/v1/media/{id}/links", new { minutes = 5 }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/v1/media/{id}", Ct)).StatusCode);
        // Naming the shop's organisation without being a member is a 404 too.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/media/{id}");
        request.Headers.Add("X-Organization-Id", shop.Org.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.SendAsync(request, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await shop.Owner.GetAsync($"/api/v1/media/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_technician_When_sharing_or_deleting_Then_403_and_file_stays()
    {
        var shop = await ShopAsync();
        var id = (await Json(await Raw(shop.Technician, Jpeg()), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Json(await shop.Technician.PostAsJsonAsync($"/api/v1/media/{id}/links", new { minutes = 5 }, Ct), HttpStatusCode.Forbidden);
        await Json(await shop.Technician.DeleteAsync($"/api/v1/media/{id}", Ct), HttpStatusCode.Forbidden);
        Assert.Equal(1, await CountAsync(shop.Org));
    }

    [Fact]
    public async Task Given_signed_link_When_opened_without_signing_in_Then_served_until_tampered_or_deleted()
    {
        var shop = await ShopAsync();
        var bytes = Jpeg(seed: 3);
        var id = (await Json(await Raw(shop.Owner, bytes), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Json(await shop.Owner.PostAsJsonAsync($"/api/v1/media/{id}/links", new { minutes = 0 }, Ct), HttpStatusCode.BadRequest);
        var link = await Json(await shop.Owner.PostAsJsonAsync($"/api/v1/media/{id}/links", new { minutes = 10 }, Ct), HttpStatusCode.OK);
        var url = link.GetProperty("url").GetString()!;
        Assert.StartsWith("/m/", url, StringComparison.Ordinal);
        Assert.InRange(link.GetProperty("expiresAt").GetDateTime(), DateTime.UtcNow.AddMinutes(9), DateTime.UtcNow.AddMinutes(11));

        using var anonymous = app.CreateClient();
        var opened = await anonymous.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal(bytes, await opened.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("no-referrer", opened.Headers.GetValues("Referrer-Policy").Single());

        var token = url[3..];
        var tampered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        await Json(await anonymous.GetAsync("/m/" + tampered, Ct), HttpStatusCode.NotFound);
        await Json(await anonymous.GetAsync("/m/" + token + "A", Ct), HttpStatusCode.NotFound);
        await Json(await anonymous.GetAsync("/m/" + new string('-', MediaLinks.TokenChars), Ct), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await shop.Owner.DeleteAsync($"/api/v1/media/{id}", Ct)).StatusCode);
        await Json(await anonymous.GetAsync(url, Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Given_expired_token_When_read_Then_null()
    {
        RequireServer();
        var links = app.Services.GetRequiredService<MediaLinks>();
        var id = Guid.NewGuid();
        var token = links.Issue(id, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(id, links.Read(token, DateTime.UtcNow));
        Assert.Null(links.Read(token, DateTime.UtcNow.AddMinutes(2)));
    }

    [Fact]
    public async Task Given_same_bytes_twice_When_one_is_deleted_Then_the_other_still_opens_and_the_last_delete_frees_them()
    {
        var shop = await ShopAsync();
        var bytes = Jpeg(seed: 11);
        var first = (await Json(await Raw(shop.Owner, bytes), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var second = (await Json(await Raw(shop.Owner, bytes), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        Assert.NotEqual(first, second);
        var blobs = app.Services.GetRequiredService<IMediaBlobs>();
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        Assert.Equal(HttpStatusCode.NoContent, (await shop.Owner.DeleteAsync($"/api/v1/media/{first}", Ct)).StatusCode);
        Assert.Equal(bytes, await shop.Owner.GetByteArrayAsync($"/api/v1/media/{second}/content", Ct));
        Assert.Equal(HttpStatusCode.NoContent, (await shop.Owner.DeleteAsync($"/api/v1/media/{second}", Ct)).StatusCode);
        Assert.Null(await blobs.OpenReadAsync(sha, Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await shop.Owner.DeleteAsync($"/api/v1/media/{second}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_video_When_a_range_is_asked_Then_206_with_that_range()
    {
        var shop = await ShopAsync();
        var bytes = Mp4();
        var stored = await Json(await Raw(shop.Technician, bytes, "walkaround.mp4"), HttpStatusCode.Created);
        Assert.Equal("video/mp4", stored.GetProperty("contentType").GetString());
        using var request = new HttpRequestMessage(HttpMethod.Get, stored.GetProperty("url").GetString());
        request.Headers.Range = new RangeHeaderValue(100, 199);
        var partial = await shop.Owner.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes[100..200], await partial.Content.ReadAsByteArrayAsync(Ct));
    }
}

public sealed class MediaTestsOnSqlite(SqliteApp app) : MediaTests(app), IClassFixture<SqliteApp>;

public sealed class MediaTestsOnPostgres(PostgresApp app) : MediaTests(app), IClassFixture<PostgresApp>
{
    protected override void RequireServer() => app.EnsureAvailable();
}
