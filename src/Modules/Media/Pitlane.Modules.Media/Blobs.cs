using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Pitlane.Platform;

namespace Pitlane.Modules.Media;

/// <summary>Where the bytes live, by SHA-256 (lowercase hex). Writing the same content twice stores it once.</summary>
public interface IMediaBlobs
{
    /// <summary>Stores the finished temporary file <paramref name="file"/> as <paramref name="sha256"/> (moved or copied; the caller deletes what is left).</summary>
    Task PutAsync(string sha256, string file, string contentType, CancellationToken ct);

    /// <summary>The bytes, seekable when the backend allows (ranges for video), or null when missing.</summary>
    Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct);

    Task DeleteAsync(string sha256, CancellationToken ct);
}

/// <summary>Files under {DataDirectory}/media/ab/cd/abcd…, written to a temporary name and renamed, so a reader never sees half a file.</summary>
public sealed class DiskBlobs : IMediaBlobs
{
    private readonly string _root;

    public DiskBlobs(IOptions<MediaOptions> options, IOptions<PitlaneOptions> platform)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(platform);
        _root = Path.GetFullPath(options.Value.Directory is { Length: > 0 } dir ? dir : Path.Combine(platform.Value.DataDirectory, "media"));
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    internal string PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a SHA-256 in lowercase hex.", nameof(sha256));
        }
        return Path.Combine(_root, sha256[..2], sha256[2..4], sha256);
    }

    public Task PutAsync(string sha256, string file, string contentType, CancellationToken ct)
    {
        var target = PathOf(sha256);
        if (File.Exists(target))
        {
            return Task.CompletedTask;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var staging = target + "." + Guid.NewGuid().ToString("N") + ".part";
        File.Copy(file, staging);
        try
        {
            File.Move(staging, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Another upload of the same bytes won the rename: the content is the same.
            File.Delete(staging);
        }
        return Task.CompletedTask;
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct)
    {
        var path = PathOf(sha256);
        if (!File.Exists(path))
        {
            return Task.FromResult<Stream?>(null);
        }
        return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous));
    }

    public Task DeleteAsync(string sha256, CancellationToken ct)
    {
        File.Delete(PathOf(sha256));
        return Task.CompletedTask;
    }
}

/// <summary>
/// An S3-compatible bucket through the AWS SDK: PutObject / GetObject / DeleteObject under {Prefix}{sha256}. Checksums
/// are sent only where the operation requires them, so S3-compatible stores that do not know the newer checksum
/// headers (older MinIO, Ceph) accept the requests.
/// </summary>
public sealed class S3Blobs : IMediaBlobs, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly S3MediaOptions _options;

    public S3Blobs(IOptions<MediaOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.S3;
        var config = new AmazonS3Config
        {
            ForcePathStyle = _options.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (_options.ServiceUrl is { Length: > 0 } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = _options.Region ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(_options.Region);
        }
        _client = _options.AccessKey is { Length: > 0 } key
            ? new AmazonS3Client(new BasicAWSCredentials(key, _options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    private string Key(string sha256) => _options.Prefix + sha256;

    public async Task PutAsync(string sha256, string file, string contentType, CancellationToken ct)
    {
        await using var body = File.OpenRead(file);
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = Key(sha256),
            InputStream = body,
            ContentType = contentType,
            UseChunkEncoding = false,
            AutoCloseStream = false,
        }, ct);
    }

    public async Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct)
    {
        try
        {
            var response = await _client.GetObjectAsync(_options.Bucket, Key(sha256), ct);
            return new S3ObjectStream(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task DeleteAsync(string sha256, CancellationToken ct) => _client.DeleteObjectAsync(_options.Bucket, Key(sha256), ct);

    public void Dispose() => _client.Dispose();

    /// <summary>The response body with its length known (for Content-Length), closing the response with the stream.</summary>
    private sealed class S3ObjectStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _inner = response.ResponseStream;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.ContentLength;

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
