using Pitlane.Modules.Messaging.Threads;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Messaging.Pages.Messaging;

/// <summary>
/// The SMS simulator's customer side: a phone showing the shop's texts to this customer, where staff can reply as the
/// customer (STOP, HELP, START included) to try the whole flow without a phone network.
/// </summary>
public sealed class MessagingPhoneModel(PageOrganization organizations, MessagingSettingsStore settings, ThreadQueries threads, CustomerMessagingOptions options)
    : MessagingPage(organizations, settings)
{
    public CustomerThread? Thread { get; private set; }

    public Guid CustomerId { get; private set; }

    public bool Simulator => options.SmsProvider == "simulator";

    public IEnumerable<MessageResponse> Texts => Thread?.Messages.Where(m => m.Channel == "sms" && m.Status is not ("held" or "refused")) ?? [];

    public async Task OnGetAsync(Guid id, CancellationToken ct)
    {
        CustomerId = id;
        if (!await LoadAsync(ct) || !Simulator || !CanSend)
        {
            return;
        }
        Thread = await threads.CustomerAsync(Organization!.Id, id, ct);
        if (Thread is null)
        {
            Response.StatusCode = 404;
        }
    }
}
