using Pitlane.Modules.Messaging.Threads;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Messaging.Pages.Messaging;

/// <summary>One customer's conversation (texts and e-mails together) with a box to reply; opening it marks it read.</summary>
public sealed class MessagingCustomerModel(PageOrganization organizations, MessagingSettingsStore settings, ThreadQueries threads, CustomerMessagingOptions options)
    : MessagingPage(organizations, settings)
{
    public CustomerThread? Thread { get; private set; }

    public Guid CustomerId { get; private set; }

    public bool Simulator => options.SmsProvider == "simulator";

    public bool EmailOutbox => options.EmailProvider == "outbox";

    public async Task OnGetAsync(Guid id, CancellationToken ct)
    {
        CustomerId = id;
        if (!await LoadAsync(ct))
        {
            return;
        }
        Thread = await threads.CustomerAsync(Organization!.Id, id, ct);
        if (Thread is not null)
        {
            await threads.MarkReadAsync(Organization.Id, id, ct);
        }
        else
        {
            Response.StatusCode = 404;
        }
    }
}
