using Pitlane.Modules.Messaging.Threads;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Messaging.Pages.Messaging;

/// <summary>The inbox: every customer thread, newest first, with unread counts; kept live over /hubs/live.</summary>
public sealed class MessagingIndexModel(PageOrganization organizations, MessagingSettingsStore settings, ThreadQueries threads) : MessagingPage(organizations, settings)
{
    public ListPage<ThreadResponse> Threads { get; private set; } = new([], 1, 50, 0);

    public int Unread { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return;
        }
        Threads = await threads.InboxAsync(Organization!.Id, new PageRequest(1, 100), false, ct);
        Unread = Threads.Items.Sum(t => t.Unread);
    }
}
