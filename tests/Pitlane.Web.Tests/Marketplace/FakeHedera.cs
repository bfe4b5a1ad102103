using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Pitlane.Modules.Marketplace.Provenance.Hedera;
using Pitlane.Modules.Marketplace.Provenance.Hedera.Proto;

namespace Pitlane.Web.Tests.Marketplace;

/// <summary>
/// An in-process fake of the two Hedera services the anchor talks to. The consensus node is an ASP.NET Core gRPC server
/// (h2c on loopback) serving proto.ConsensusService/submitMessage: it decodes Transaction → SignedTransaction →
/// TransactionBody, checks node, payer, topic and validity window, and verifies the Ed25519 signature over the body bytes
/// against the operator's public key, answering the real precheck codes. Accepted messages get a sequence number,
/// consensus timestamp and a v3-style SHA-384 running hash. The mirror node serves them over REST
/// (/api/v1/topics/{id}/messages?sequencenumber=gt:N&amp;limit=L) in pages of <see cref="PageSize"/> with links.next.
/// </summary>
internal sealed class FakeHedera : IAsyncDisposable
{
    private readonly WebApplication node;
    private readonly WebApplication mirror;
    private byte[] runningHash = new byte[48];
    private long consensusNanos = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    public HederaEntityId NodeAccount { get; } = new(0, 0, 3);
    public HederaEntityId Operator { get; } = new(0, 0, 1001);
    public HederaEntityId Topic { get; } = new(0, 0, Random.Shared.Next(10_000, 1_000_000));
    public byte[] OperatorPublicKey { get; }

    public ConcurrentQueue<TopicRecord> Messages { get; } = new();
    public ConcurrentQueue<ResponseCodeEnum> Prechecks { get; } = new();
    private readonly HashSet<string> seenTransactions = [];

    /// <summary>False: the mirror node has not caught up and shows no message.</summary>
    public bool MirrorShows { get; set; } = true;

    /// <summary>Set: the mirror answers this body instead (a broken or hostile mirror).</summary>
    public string? MirrorOverride { get; set; }

    public int PageSize { get; set; } = 2;

    /// <summary>The network's consensus clock (the anchor's clock in tests that move time).</summary>
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;
    public int MirrorRequests;

    public string NodeUrl { get; private set; } = "";
    public string MirrorUrl { get; private set; } = "";

    public sealed record TopicRecord(long SequenceNumber, string ConsensusTimestamp, byte[] Message, string RunningHash, string TransactionId);

    private FakeHedera(byte[] operatorPublicKey)
    {
        OperatorPublicKey = operatorPublicKey;
        var nodeBuilder = WebApplication.CreateSlimBuilder();
        nodeBuilder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        nodeBuilder.Logging.ClearProviders();
        nodeBuilder.Services.AddGrpc();
        nodeBuilder.Services.AddSingleton(this);
        node = nodeBuilder.Build();
        node.MapGrpcService<ConsensusNode>();

        var mirrorBuilder = WebApplication.CreateSlimBuilder();
        mirrorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        mirrorBuilder.Logging.ClearProviders();
        mirror = mirrorBuilder.Build();
        mirror.MapGet("/api/v1/topics/{id}/messages", MirrorMessages);
    }

    public static async Task<FakeHedera> StartAsync(byte[] operatorPublicKey)
    {
        var fake = new FakeHedera(operatorPublicKey);
        await fake.node.StartAsync();
        await fake.mirror.StartAsync();
        fake.NodeUrl = Address(fake.node);
        fake.MirrorUrl = Address(fake.mirror);
        return fake;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);

    private IResult MirrorMessages(string id, HttpContext context)
    {
        Interlocked.Increment(ref MirrorRequests);
        if (MirrorOverride is { } body)
        {
            return Results.Text(body, "application/json");
        }
        if (HederaEntityId.Parse(id) != Topic)
        {
            return Results.Json(new JsonObject { ["_status"] = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["message"] = "Not found" }) } }, statusCode: 404);
        }
        var filter = context.Request.Query["sequencenumber"].ToString();
        long after = 0;
        if (filter.Length > 0 && (!filter.StartsWith("gt:", StringComparison.Ordinal) || !long.TryParse(filter[3..], NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            return Results.Json(new JsonObject { ["_status"] = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["message"] = "Invalid parameter: sequencenumber" }) } }, statusCode: 400);
        }
        var limit = int.TryParse(context.Request.Query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 25;
        var size = Math.Min(limit, PageSize);
        var all = MirrorShows ? Messages.Where(m => m.SequenceNumber > after).OrderBy(m => m.SequenceNumber).ToList() : [];
        var page = all.Take(size).ToList();
        var messages = new JsonArray();
        foreach (var m in page)
        {
            messages.Add(new JsonObject
            {
                ["chunk_info"] = null, ["consensus_timestamp"] = m.ConsensusTimestamp, ["message"] = Convert.ToBase64String(m.Message), ["payer_account_id"] = Operator.ToString(),
                ["running_hash"] = m.RunningHash, ["running_hash_version"] = 3, ["sequence_number"] = m.SequenceNumber, ["topic_id"] = Topic.ToString(),
            });
        }
        var next = all.Count > page.Count ? $"/api/v1/topics/{Topic}/messages?sequencenumber=gt:{page[^1].SequenceNumber}&limit={limit}" : null;
        return Results.Json(new JsonObject { ["messages"] = messages, ["links"] = new JsonObject { ["next"] = next } });
    }

    internal ResponseCodeEnum Accept(Transaction transaction)
    {
        var code = Check(transaction, out var record);
        Prechecks.Enqueue(code);
        if (record is not null)
        {
            Messages.Enqueue(record);
        }
        return code;
    }

    private ResponseCodeEnum Check(Transaction transaction, out TopicRecord? record)
    {
        record = null;
        SignedTransaction signed;
        TransactionBody body;
        try
        {
            signed = SignedTransaction.Parser.ParseFrom(transaction.SignedTransactionBytes);
            body = TransactionBody.Parser.ParseFrom(signed.BodyBytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return ResponseCodeEnum.InvalidTransaction;
        }
        if (body.NodeAccountID is not { } nodeId || new HederaEntityId(nodeId.ShardNum, nodeId.RealmNum, nodeId.AccountNum) != NodeAccount)
        {
            return ResponseCodeEnum.InvalidNodeAccount;
        }
        if (body.TransactionID?.AccountID is not { } payer || new HederaEntityId(payer.ShardNum, payer.RealmNum, payer.AccountNum) != Operator)
        {
            return ResponseCodeEnum.PayerAccountNotFound;
        }
        var start = DateTimeOffset.FromUnixTimeSeconds(body.TransactionID.TransactionValidStart.Seconds);
        if (body.TransactionValidDuration is not { Seconds: > 0 and <= 180 } duration)
        {
            return ResponseCodeEnum.InvalidTransactionDuration;
        }
        if (start > Now().AddSeconds(10))
        {
            return ResponseCodeEnum.InvalidTransactionStart;
        }
        if (start.AddSeconds(duration.Seconds) < Now())
        {
            return ResponseCodeEnum.TransactionExpired;
        }
        if (body.DataCase != TransactionBody.DataOneofCase.ConsensusSubmitMessage || body.ConsensusSubmitMessage.Message.IsEmpty)
        {
            return ResponseCodeEnum.NotSupported;
        }
        var topic = body.ConsensusSubmitMessage.TopicID;
        if (topic is null || new HederaEntityId(topic.ShardNum, topic.RealmNum, topic.TopicNum) != Topic)
        {
            return (ResponseCodeEnum)150; // INVALID_TOPIC_ID
        }
        var bodyBytes = signed.BodyBytes.ToByteArray();
        var pair = signed.SigMap?.SigPair.FirstOrDefault(p => p.SignatureCase == SignaturePair.SignatureOneofCase.Ed25519
            && p.PubKeyPrefix.Length > 0 && OperatorPublicKey.AsSpan().StartsWith(p.PubKeyPrefix.Span));
        if (pair is null || !Verify(OperatorPublicKey, bodyBytes, pair.Ed25519.ToByteArray()))
        {
            return ResponseCodeEnum.InvalidSignature;
        }
        var transactionId = $"{Operator}@{body.TransactionID.TransactionValidStart.Seconds}.{body.TransactionID.TransactionValidStart.Nanos:D9}";
        lock (seenTransactions)
        {
            if (!seenTransactions.Add(transactionId))
            {
                return ResponseCodeEnum.DuplicateTransaction;
            }
            var sequence = Messages.Count + 1L;
            var nanos = Interlocked.Add(ref consensusNanos, 1_000_017);
            var message = body.ConsensusSubmitMessage.Message.ToByteArray();
            runningHash = RunningHash(runningHash, payer, nanos, sequence, message);
            record = new TopicRecord(sequence, $"{nanos / 1_000_000_000}.{nanos % 1_000_000_000:D9}", message, Convert.ToBase64String(runningHash), transactionId);
        }
        return ResponseCodeEnum.Ok;
    }

    private static bool Verify(byte[] publicKey, byte[] message, byte[] signature)
    {
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }

    /// <summary>Running hash version 3: SHA-384 over the previous hash, the version, payer, topic, consensus time, sequence number and SHA-384(message).</summary>
    private byte[] RunningHash(byte[] previous, AccountID payer, long nanos, long sequence, byte[] message)
    {
        using var buffer = new MemoryStream();
        void Long(long v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64BigEndian(b, v); buffer.Write(b); }
        buffer.Write(previous);
        Long(3);
        Long(payer.ShardNum); Long(payer.RealmNum); Long(payer.AccountNum);
        Long(Topic.Shard); Long(Topic.Realm); Long(Topic.Num);
        Long(nanos / 1_000_000_000);
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(n, (int)(nanos % 1_000_000_000));
        buffer.Write(n);
        Long(sequence);
        buffer.Write(SHA384.HashData(message));
        return SHA384.HashData(buffer.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await node.DisposeAsync();
        await mirror.DisposeAsync();
    }

    internal sealed class ConsensusNode(FakeHedera network) : ConsensusService.ConsensusServiceBase
    {
        public override Task<TransactionResponse> submitMessage(Transaction request, ServerCallContext context) =>
            Task.FromResult(new TransactionResponse { NodeTransactionPrecheckCode = network.Accept(request), Cost = 0 });
    }
}
