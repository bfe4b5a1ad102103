using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Pitlane.Modules.Marketplace.Provenance.Hedera;

public sealed record MirrorTopicMessage(
    [property: JsonPropertyName("consensus_timestamp")] string? ConsensusTimestamp,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("running_hash")] string? RunningHash,
    [property: JsonPropertyName("sequence_number")] long SequenceNumber,
    [property: JsonPropertyName("topic_id")] string? TopicId);

internal sealed record MirrorLinks([property: JsonPropertyName("next")] string? Next);

internal sealed record MirrorMessagesPage(
    [property: JsonPropertyName("messages")] List<MirrorTopicMessage>? Messages,
    [property: JsonPropertyName("links")] MirrorLinks? Links);

/// <summary>
/// The mirror node's REST API for a topic's messages: GET /api/v1/topics/{id}/messages?sequencenumber=gt:N&amp;limit=100,
/// following links.next (a path on the same host) page by page.
/// </summary>
public sealed class HederaMirrorClient(HttpClient http)
{
    public const int PageLimit = 100;

    public async Task<IReadOnlyList<MirrorTopicMessage>> MessagesAfterAsync(string topicId, long afterSequence, int maxPages, CancellationToken ct)
    {
        var found = new List<MirrorTopicMessage>();
        string? next = $"api/v1/topics/{Uri.EscapeDataString(topicId)}/messages?sequencenumber=gt:{afterSequence}&limit={PageLimit}&order=asc";
        for (var page = 0; page < maxPages && next is not null; page++)
        {
            var body = await http.GetFromJsonAsync<MirrorMessagesPage>(next.TrimStart('/'), ct)
                ?? throw new HttpRequestException("The mirror node answered with an empty body.");
            found.AddRange(body.Messages ?? []);
            next = body.Links?.Next;
            if (next is not null && (Uri.TryCreate(next, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"))
            {
                // links.next is documented as a path; an absolute link to another host is not followed.
                if (absolute.Host != http.BaseAddress?.Host)
                {
                    break;
                }
                next = absolute.PathAndQuery;
            }
        }
        return found;
    }
}
