using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Pitlane.Modules.Marketplace.Provenance.Hedera.Proto;

namespace Pitlane.Modules.Marketplace.Provenance.Hedera;

/// <summary>What a consensus node said about one submitted transaction (its precheck), or why it could not be asked.</summary>
public sealed record SubmitOutcome(bool Accepted, string TransactionId, string? Error);

/// <summary>
/// Submits messages to a Hedera consensus topic over gRPC (proto.ConsensusService/submitMessage), as the official SDKs do:
/// a TransactionBody with a ConsensusSubmitMessageTransactionBody, its serialized bytes signed with the operator's Ed25519
/// key, wrapped in SignedTransaction and Transaction.signedTransactionBytes. Acceptance here is only the node's precheck;
/// the message is confirmed later from the mirror node.
/// </summary>
public sealed class HederaConsensusClient : IDisposable
{
    private readonly GrpcChannel channel;
    private readonly ConsensusService.ConsensusServiceClient client;
    private readonly HederaAnchorOptions options;
    private readonly HederaOperatorKey key;
    private readonly HederaEntityId node;
    private readonly HederaEntityId payer;
    private readonly HederaEntityId topic;
    private long lastStartNanos;

    public HederaConsensusClient(HederaAnchorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        key = HederaOperatorKey.Parse(options.OperatorKey) ?? throw new ArgumentException("Pitlane:Marketplace:Hedera:OperatorKey is not an Ed25519 key.", nameof(options));
        node = HederaEntityId.Parse(options.NodeAccountId) ?? throw new ArgumentException("NodeAccountId is not shard.realm.num.", nameof(options));
        payer = HederaEntityId.Parse(options.OperatorAccountId) ?? throw new ArgumentException("OperatorAccountId is not shard.realm.num.", nameof(options));
        topic = HederaEntityId.Parse(options.TopicId) ?? throw new ArgumentException("TopicId is not shard.realm.num.", nameof(options));
        channel = GrpcChannel.ForAddress(options.NodeUrl);
        client = new ConsensusService.ConsensusServiceClient(channel);
    }

    /// <summary>The transaction's bytes, exactly as sent; separate so tests can look at what is signed.</summary>
    internal (Transaction Transaction, string TransactionId) Build(byte[] message, DateTimeOffset validStart)
    {
        // The transaction id is payer@validStart: two submissions in the same instant must still differ, so the start
        // only ever moves forward, by at least one nanosecond.
        var candidate = (validStart - DateTimeOffset.UnixEpoch).Ticks * 100;
        long start;
        long last;
        do
        {
            last = Interlocked.Read(ref lastStartNanos);
            start = Math.Max(candidate, last + 1);
        }
        while (Interlocked.CompareExchange(ref lastStartNanos, start, last) != last);
        var seconds = start / 1_000_000_000;
        var nanos = (int)(start % 1_000_000_000);
        var body = new TransactionBody
        {
            TransactionID = new TransactionID
            {
                TransactionValidStart = new Timestamp { Seconds = seconds, Nanos = nanos },
                AccountID = Account(payer),
            },
            NodeAccountID = Account(node),
            TransactionFee = (ulong)options.MaxFeeTinybars,
            TransactionValidDuration = new Duration { Seconds = 120 },
            Memo = "pitlane provenance checkpoint",
            ConsensusSubmitMessage = new ConsensusSubmitMessageTransactionBody
            {
                TopicID = new TopicID { ShardNum = topic.Shard, RealmNum = topic.Realm, TopicNum = topic.Num },
                Message = ByteString.CopyFrom(message),
            },
        };
        var bodyBytes = body.ToByteArray();
        var signed = new SignedTransaction
        {
            BodyBytes = ByteString.CopyFrom(bodyBytes),
            SigMap = new SignatureMap
            {
                SigPair = { new SignaturePair { PubKeyPrefix = ByteString.CopyFrom(key.PublicKey), Ed25519 = ByteString.CopyFrom(key.Sign(bodyBytes)) } },
            },
        };
        var id = string.Create(CultureInfo.InvariantCulture, $"{payer}@{seconds}.{nanos:D9}");
        return (new Transaction { SignedTransactionBytes = signed.ToByteString() }, id);
    }

    public async Task<SubmitOutcome> SubmitAsync(byte[] message, DateTimeOffset now, CancellationToken ct)
    {
        // A few seconds back, as the SDKs do, so a node whose clock is slightly behind does not see a start in the future.
        var (transaction, id) = Build(message, now.AddSeconds(-5));
        try
        {
            var response = await client.submitMessageAsync(transaction, deadline: DateTime.UtcNow.AddSeconds(options.TimeoutSeconds), cancellationToken: ct);
            return response.NodeTransactionPrecheckCode == ResponseCodeEnum.Ok
                ? new SubmitOutcome(true, id, null)
                : new SubmitOutcome(false, id, $"The node refused the transaction: {response.NodeTransactionPrecheckCode}.");
        }
        catch (RpcException e)
        {
            return new SubmitOutcome(false, id, $"The consensus node did not answer: {e.StatusCode} {e.Status.Detail}");
        }
    }

    private static AccountID Account(HederaEntityId id) => new() { ShardNum = id.Shard, RealmNum = id.Realm, AccountNum = id.Num };

    public void Dispose() => channel.Dispose();
}
