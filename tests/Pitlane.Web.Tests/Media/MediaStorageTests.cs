using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pitlane.Modules.Media;
using Pitlane.Modules.Media.Contracts;
using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.Media;

/// <summary>Type sniffing on its own, including bytes that pretend.</summary>
public sealed class ContentSnifferTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xDB }, "image/jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "image/png")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, "image/gif")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 0, 0, 0, 0x57, 0x45, 0x42, 0x50 }, "image/webp")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 0, 0, 0, 0x57, 0x41, 0x56, 0x45 }, "audio/wav")]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63 }, "image/heic")]
    [InlineData(new byte[] { 0, 0, 0, 0x14, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20 }, "video/quicktime")]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6D, 0x70, 0x34, 0x32 }, "video/mp4")]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x84, 0x77, 0x65, 0x62, 0x6D }, "video/webm")]
    [InlineData(new byte[] { 0x4F, 0x67, 0x67, 0x53, 0 }, "audio/ogg")]
    [InlineData(new byte[] { 0x49, 0x44, 0x33, 4 }, "audio/mpeg")]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "application/pdf")]
    public void Given_known_magic_Then_type(byte[] head, string type) => Assert.Equal(type, ContentSniffer.Sniff(head)?.ContentType);

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xFF, 0xD8 })]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 0, 0, 0, 0x41, 0x42, 0x43, 0x44 })]
    [InlineData(new byte[] { 0x3C, 0x68, 0x74, 0x6D, 0x6C, 0x3E })]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x3C, 0x73, 0x76, 0x67 })]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79 })]
    public void Given_unknown_or_truncated_bytes_Then_unknown(byte[] head) => Assert.Null(ContentSniffer.Sniff(head));
}

/// <summary>A store with a small limit, to see a file refused part-way through and nothing kept.</summary>
public sealed class SmallMediaApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Media:MaxBytes", "4096");
    }
}

public sealed class MediaLimitTests(SmallMediaApp app) : IClassFixture<SmallMediaApp>
{
    [Fact]
    public async Task Given_file_over_the_limit_When_uploaded_declared_or_chunked_Then_413_and_nothing_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, _) = await app.NewUserAsync("Owner");
        var declared = await MediaTests.Raw(client, MediaTests.Jpeg(5000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("application/problem+json", declared.Content.Headers.ContentType?.MediaType);

        // No Content-Length: the body is counted while it streams.
        var chunked = new StreamContent(new MemoryStream(MediaTests.Jpeg(5000)));
        chunked.Headers.ContentType = new("image/jpeg");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/media") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(request, ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await MediaTests.Raw(client, MediaTests.Jpeg(4096))).StatusCode);
        var store = app.Service<MediaDbContext>();
        Assert.Equal(1, store.Objects.Count());
    }
}

/// <summary>
/// An in-process fake of the S3 REST API, path style: PUT, GET and DELETE /{bucket}/{key}. It insists on a SigV4
/// Authorization header with the configured access key and on the x-amz-content-sha256 header, as S3 does.
/// </summary>
public sealed class FakeS3 : IAsyncDisposable
{
    public const string AccessKey = "AKIDPITLANETEST", SecretKey = "secret/key/for/tests", Bucket = "pitlane-media";

    private readonly WebApplication _app;

    public ConcurrentDictionary<string, (byte[] Body, string? ContentType)> Objects { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    private FakeS3()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Map("/{bucket}/{**key}", async (HttpContext c, string bucket, string key) =>
        {
            Requests.Enqueue($"{c.Request.Method} /{bucket}/{key}");
            var auth = c.Request.Headers.Authorization.ToString();
            if (!auth.StartsWith($"AWS4-HMAC-SHA256 Credential={AccessKey}/", StringComparison.Ordinal) || !c.Request.Headers.ContainsKey("x-amz-content-sha256"))
            {
                return Error(403, "AccessDenied");
            }
            if (bucket != Bucket)
            {
                return Error(404, "NoSuchBucket");
            }
            switch (c.Request.Method)
            {
                case "PUT":
                    using (var body = new MemoryStream())
                    {
                        await c.Request.Body.CopyToAsync(body);
                        Objects[key] = (body.ToArray(), c.Request.ContentType);
                    }
                    c.Response.Headers.ETag = "\"etag\"";
                    return Results.Ok();
                case "GET":
                    return Objects.TryGetValue(key, out var found) ? Results.Bytes(found.Body, found.ContentType ?? "application/octet-stream") : Error(404, "NoSuchKey");
                case "DELETE":
                    Objects.TryRemove(key, out _);
                    return Results.NoContent();
                default:
                    return Error(405, "MethodNotAllowed");
            }
        });
    }

    private static IResult Error(int status, string code) =>
        Results.Content($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>", "application/xml", statusCode: status);

    public static async Task<FakeS3> StartAsync()
    {
        var fake = new FakeS3();
        await fake._app.StartAsync();
        fake.BaseUrl = fake._app.Urls.First();
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed class S3MediaApp : PitlaneApp
{
    public FakeS3 S3 { get; private set; } = null!;

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        S3 = await FakeS3.StartAsync();
        Set("Pitlane:Media:Provider", "S3");
        Set("Pitlane:Media:S3:ServiceUrl", S3.BaseUrl);
        Set("Pitlane:Media:S3:Bucket", FakeS3.Bucket);
        Set("Pitlane:Media:S3:AccessKey", FakeS3.AccessKey);
        Set("Pitlane:Media:S3:SecretKey", FakeS3.SecretKey);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await S3.DisposeAsync();
    }
}

public sealed class S3MediaTests(S3MediaApp app) : IClassFixture<S3MediaApp>
{
    [Fact]
    public async Task Given_s3_provider_When_a_file_is_stored_read_and_deleted_Then_the_bucket_holds_it_by_hash_and_lets_it_go()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, _) = await app.NewUserAsync("Owner");
        var bytes = MediaTests.Jpeg(20_000, seed: 5);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var stored = await MediaTests.Json(await MediaTests.Raw(client, bytes), HttpStatusCode.Created);
        Assert.True(app.S3.Objects.TryGetValue("media/" + sha, out var obj), string.Join(", ", app.S3.Requests));
        Assert.Equal(bytes, obj.Body);
        Assert.Equal("image/jpeg", obj.ContentType);

        Assert.Equal(bytes, await client.GetByteArrayAsync(stored.GetProperty("url").GetString(), ct));
        var id = stored.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/media/{id}", ct)).StatusCode);
        Assert.False(app.S3.Objects.ContainsKey("media/" + sha));
    }

    [Fact]
    public async Task Given_s3_without_the_object_When_content_is_asked_Then_404_not_500()
    {
        var ct = TestContext.Current.CancellationToken;
        var (client, _) = await app.NewUserAsync("Owner");
        var bytes = MediaTests.Jpeg(3000, seed: 9);
        var stored = await MediaTests.Json(await MediaTests.Raw(client, bytes), HttpStatusCode.Created);
        app.S3.Objects.Clear();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(stored.GetProperty("url").GetString(), ct)).StatusCode);
    }
}

/// <summary>Settings that cannot work stop the app naming the setting.</summary>
public sealed class MediaOptionsTests
{
    [Fact]
    public void Given_s3_without_bucket_or_with_half_the_keys_Then_faults_name_the_setting()
    {
        var faults = new List<string>();
        new MediaOptions { Provider = MediaProvider.S3, S3 = new S3MediaOptions { AccessKey = "a" } }.Validate(faults, new PitlaneOptions());
        Assert.Contains(faults, f => f.StartsWith("Pitlane:Media:S3:Bucket", StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith("Pitlane:Media:S3:AccessKey", StringComparison.Ordinal));
        faults.Clear();
        new MediaOptions { MaxBytes = 10 }.Validate(faults, new PitlaneOptions());
        Assert.Equal(["Pitlane:Media:MaxBytes must be between 1 KB and 16 GB."], faults);
    }
}
