using Pitlane.Modules.Messaging.Threads;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Messaging.Pages.Messaging;

/// <summary>E-mails to customers, newest first: in the embedded profile they are kept here instead of sent.</summary>
public sealed class MessagingOutboxModel(PageOrganization organizations, MessagingSettingsStore settings, ThreadQueries threads, CustomerMessagingOptions options)
    : MessagingPage(organizations, settings)
{
    public ListPage<MessageResponse> Mails { get; private set; } = new([], 1, 50, 0);

    public bool Stored => options.EmailProvider == "outbox";

    public Guid? Open { get; private set; }

    public string? OpenHtml { get; private set; }

    public async Task OnGetAsync(Guid? open, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return;
        }
        Mails = await threads.OutboxAsync(Organization!.Id, new PageRequest(1, 50), ct);
        Open = open ?? Mails.Items.FirstOrDefault()?.Id;
        OpenHtml = Open is { } id ? await threads.HtmlOfAsync(Organization.Id, id, ct) : null;
    }
}
