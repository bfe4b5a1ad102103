using Microsoft.EntityFrameworkCore;
using Pitlane.Modules.Shop.Contracts;
using Pitlane.Platform;

namespace Pitlane.Modules.Messaging.Threads;

public sealed record ThreadResponse(Guid Id, Guid? CustomerId, string CustomerName, string? Phone, DateTime LastMessageAt, string LastPreview, int Unread);

public sealed record MessageResponse(Guid Id, Guid? CustomerId, Guid? RepairOrderId, string Direction, string Channel, string To, string From, string? Subject, string Body,
    string? Template, string Status, string? ProviderId, string? ErrorCode, string? Error, DateTime CreatedAt, DateTime StatusAt, DateTime? SendAfter, Guid? SentBy)
{
    /// <summary>As an expression, so a paged query projects in SQL.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<Message, MessageResponse>> Projection = m => new MessageResponse(m.Id, m.CustomerId, m.RepairOrderId,
        m.Direction == MessageDirection.Inbound ? "inbound" : "outbound", m.Channel, m.To, m.From, m.Subject, m.Body, m.Template, m.Status, m.ProviderId, m.ErrorCode,
        m.Error, m.CreatedAt, m.StatusAt, m.SendAfter, m.SentBy);

    private static readonly Func<Message, MessageResponse> Compiled = Projection.Compile();

    public static MessageResponse Of(Message m) => Compiled(m);
}

/// <summary>The customer's thread: who they are (from the Shop), whether they can be texted, and the messages oldest first.</summary>
public sealed record CustomerThread(ShopCustomerContact? Customer, Guid? ConversationId, bool OptedOut, IReadOnlyList<MessageResponse> Messages);

/// <summary>Reading threads, for the endpoints and the pages.</summary>
public sealed class ThreadQueries(MessagingDbContext db, IShopCustomerDirectory customers)
{
    public Task<ListPage<ThreadResponse>> InboxAsync(Guid organizationId, PageRequest page, bool unreadOnly, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(page);
        var query = db.Conversations.AsNoTracking().Where(c => c.OrganizationId == organizationId);
        if (unreadOnly)
        {
            query = query.Where(c => c.Unread > 0);
        }
        return page.ApplyAsync(query.OrderByDescending(c => c.LastMessageAt)
            .Select(c => new ThreadResponse(c.Id, c.CustomerId, c.CustomerName, c.Phone, c.LastMessageAt, c.LastPreview, c.Unread)), ct);
    }

    public Task<int> UnreadAsync(Guid organizationId, CancellationToken ct) =>
        db.Conversations.Where(c => c.OrganizationId == organizationId).SumAsync(c => c.Unread, ct);

    /// <summary>Null when the customer is not this organisation's (and no thread exists for them here).</summary>
    public async Task<CustomerThread?> CustomerAsync(Guid organizationId, Guid customerId, CancellationToken ct)
    {
        var customer = await customers.FindAsync(organizationId, customerId, ct);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.OrganizationId == organizationId && c.CustomerId == customerId, ct);
        if (customer is null && conversation is null)
        {
            return null;
        }
        var messages = conversation is null ? [] : await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversation.Id)
            .OrderBy(m => m.CreatedAt).Take(500).ToListAsync(ct);
        var phone = customer?.PhoneE164 ?? conversation?.Phone;
        var optedOut = phone is not null && await db.OptOuts.AnyAsync(o => o.OrganizationId == organizationId && o.Phone == phone, ct);
        return new CustomerThread(customer, conversation?.Id, optedOut, messages.Select(MessageResponse.Of).ToList());
    }

    public async Task<bool> MarkReadAsync(Guid organizationId, Guid customerId, CancellationToken ct)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.OrganizationId == organizationId && c.CustomerId == customerId, ct);
        if (conversation is null)
        {
            return false;
        }
        conversation.MarkRead();
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<MessageResponse>> RepairOrderAsync(Guid organizationId, Guid repairOrderId, CancellationToken ct) =>
        (await db.Messages.AsNoTracking().Where(m => m.OrganizationId == organizationId && m.RepairOrderId == repairOrderId).OrderBy(m => m.CreatedAt).ToListAsync(ct))
        .Select(MessageResponse.Of).ToList();

    public Task<ListPage<MessageResponse>> OutboxAsync(Guid organizationId, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.ApplyAsync(db.Messages.AsNoTracking().Where(m => m.OrganizationId == organizationId && m.Channel == "email" && m.Direction == MessageDirection.Outbound)
            .OrderByDescending(m => m.CreatedAt).Select(MessageResponse.Projection), ct);
    }

    public async Task<MessageResponse?> MessageAsync(Guid organizationId, Guid messageId, CancellationToken ct) =>
        await db.Messages.AsNoTracking().Where(m => m.OrganizationId == organizationId && m.Id == messageId).Select(MessageResponse.Projection).FirstOrDefaultAsync(ct);

    public async Task<string?> HtmlOfAsync(Guid organizationId, Guid messageId, CancellationToken ct) =>
        await db.Messages.AsNoTracking().Where(m => m.OrganizationId == organizationId && m.Id == messageId).Select(m => m.HtmlBody).FirstOrDefaultAsync(ct);
}
