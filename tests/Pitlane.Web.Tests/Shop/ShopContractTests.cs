using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Shop.Contracts;

namespace Pitlane.Web.Tests.Shop;

/// <summary>The Shop's contracts for other modules (customer directory, repair orders and customer decisions), against the running app.</summary>
public abstract partial class ShopTests
{
    [Fact]
    public async Task Given_customer_directory_Then_it_finds_by_id_and_phone_digits_records_consent_with_audit_and_hides_other_shops()
    {
        var shop = await ShopAsync();
        using var advisor = await AsAsync("advisor");
        var unique = Random.Shared.Next(100_0000, 999_9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var phone = $"(555) {unique[..3]}-{unique[3..]}";
        var created = await Post(advisor, "/api/v1/shop/customers", new { name = "Rosa Lindqvist", phone, email = "rosa@example.test", preferredContact = "sms" },
            HttpStatusCode.Created);
        using var scope = App.Services.CreateScope();
        var directory = scope.ServiceProvider.GetRequiredService<IShopCustomerDirectory>();

        var found = await directory.FindAsync(shop, Id(created), Ct);
        Assert.NotNull(found);
        Assert.Equal("Rosa Lindqvist", found.Name);
        Assert.Equal($"+1555{unique}", found.PhoneE164);
        Assert.Equal("sms", found.PreferredContact);
        Assert.False(found.SmsConsent);
        Assert.Null(await directory.FindAsync(Guid.NewGuid(), Id(created), Ct));

        var byPhone = await directory.FindByPhoneAsync(shop, $"+1 555 {unique[..3]} {unique[3..]}", Ct);
        Assert.Equal(Id(created), Assert.Single(byPhone).Id);
        Assert.Single(await directory.FindByPhoneAsync(shop, $"555{unique}", Ct));
        Assert.Empty(await directory.FindByPhoneAsync(shop, $"+44 555 {unique}", Ct));
        Assert.Empty(await directory.FindByPhoneAsync(shop, unique[3..], Ct));
        Assert.Empty(await directory.FindByPhoneAsync(Guid.NewGuid(), $"555{unique}", Ct));

        Assert.True(await directory.RecordConsentAsync(shop, Id(created), "sms", true, "keyword START", Ct));
        Assert.True(await directory.RecordConsentAsync(shop, Id(created), "sms", false, "SMS STOP reply", Ct));
        Assert.False(await directory.RecordConsentAsync(shop, Id(created), "fax", false, "SMS STOP reply", Ct));
        Assert.False(await directory.RecordConsentAsync(Guid.NewGuid(), Id(created), "sms", true, "forged", Ct));
        var after = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/customers/{Id(created)}", Ct);
        Assert.False(after.GetProperty("smsConsent").GetBoolean());
        Assert.Equal("SMS STOP reply", after.GetProperty("smsConsentSource").GetString());
        var audit = (await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/customers/{Id(created)}/audit", Ct)).EnumerateArray()
            .Where(a => a.GetProperty("field").GetString() == "smsConsent").ToList();
        Assert.Equal(2, audit.Count);
        Assert.Equal("False (SMS STOP reply)", audit[1].GetProperty("after").GetString());
    }

    [Fact]
    public async Task Given_customer_decisions_through_the_contract_Then_totals_include_tax_decisions_are_audited_idempotent_and_locked_after_invoice()
    {
        var shop = await ShopAsync();
        using var manager = await AsAsync("manager");
        var settings = await manager.GetFromJsonAsync<JsonElement>("/api/v1/shop/settings", Ct);
        var partsTaxBps = (long)Math.Round(settings.GetProperty("partsTaxPercent").GetDecimal() * 100);
        using var advisor = await AsAsync("advisor");
        var (customer, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-002");
        var order = await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, HttpStatusCode.Created);
        var ro = $"/api/v1/shop/orders/{Id(order)}";
        var wipers = await Post(advisor, $"{ro}/jobs", new
        {
            title = "Wiper blades", concern = "Streaking",
            parts = new[] { new { description = "Wiper blade pair", partNumber = "WB-2", quantity = 1m, unitCost = 10_00L, unitPrice = (long?)40_00, coreCharge = 0L } },
        }, HttpStatusCode.Created);
        var cabin = await Post(advisor, $"{ro}/jobs", new
        {
            title = "Cabin filter", parts = new[] { new { description = "Cabin filter", partNumber = "CF-1", quantity = 1m, unitCost = 8_00L, unitPrice = (long?)30_00, coreCharge = 0L } },
        }, HttpStatusCode.Created);

        using var scope = App.Services.CreateScope();
        var orders = scope.ServiceProvider.GetRequiredService<IShopRepairOrders>();
        var view = await orders.FindAsync(shop, Id(order), Ct);
        Assert.NotNull(view);
        Assert.Equal("estimate", view.Status);
        Assert.Equal(customer, view.CustomerId);
        // Tax included, half away from zero per line type: 40.00 + 40.00 × rate.
        Assert.Equal(40_00 + (long)Math.Round(40_00m * partsTaxBps / 10_000m, MidpointRounding.AwayFromZero), view.Jobs[0].Total);
        Assert.Equal("pending", view.Jobs[0].Status);
        Assert.Equal("Streaking", view.Jobs[0].Concern);
        var detail = await advisor.GetFromJsonAsync<JsonElement>(ro, Ct);
        Assert.Equal(Total(detail, "total"), view.Total);
        Assert.Null(await orders.FindAsync(Guid.NewGuid(), Id(order), Ct));
        Assert.True((await orders.DecideAsync(Guid.NewGuid(), Id(order), new CustomerJobDecision(Id(wipers), true, "Dana W", "203.0.113.9", DateTime.UtcNow, "approval link"), Ct)).NotFound);
        Assert.True((await orders.DecideAsync(shop, Id(order), new CustomerJobDecision(Guid.NewGuid(), true, "Dana W", null, DateTime.UtcNow, "approval link"), Ct)).NotFound);
        Assert.NotNull((await orders.DecideAsync(shop, Id(order), new CustomerJobDecision(Id(wipers), true, "  ", null, DateTime.UtcNow, "approval link"), Ct)).Conflict);

        var at = new DateTime(2026, 12, 7, 9, 30, 0, DateTimeKind.Utc);
        var approved = await orders.DecideAsync(shop, Id(order), new CustomerJobDecision(Id(wipers), true, "Dana Whitfield", "203.0.113.9", at, "approval link"), Ct);
        Assert.True(approved.Applied);
        var again = await orders.DecideAsync(shop, Id(order), new CustomerJobDecision(Id(wipers), true, "Dana Whitfield", "203.0.113.9", at, "approval link"), Ct);
        Assert.True(again.Applied);
        Assert.Null(again.Conflict);
        Assert.True((await orders.DecideAsync(shop, Id(order), new CustomerJobDecision(Id(cabin), false, "Dana Whitfield", "203.0.113.9", at, "approval link"), Ct)).Applied);

        var decided = await orders.FindAsync(shop, Id(order), Ct);
        Assert.Equal("authorised", decided!.Status);
        Assert.Equal(["authorised", "declined"], decided.Jobs.Select(j => j.Status));
        Assert.Equal(decided.Jobs[0].Total, decided.Total);
        var audit = (await advisor.GetFromJsonAsync<JsonElement>($"{ro}/audit", Ct)).EnumerateArray().ToList();
        var decisions = audit.Where(a => a.GetProperty("field").GetString()!.EndsWith(".customerDecision", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, decisions.Count);
        Assert.Equal("approved by \"Dana Whitfield\" at 2026-12-07T09:30:00.0000000Z from 203.0.113.9 via approval link", decisions[0].GetProperty("after").GetString());
        Assert.StartsWith("declined by \"Dana Whitfield\"", decisions[1].GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.Single(audit, a => a.GetProperty("field").GetString() == "job[1].status");

        using var tech = await AsAsync("tech");
        await Post(tech, $"{ro}/start", null);
        await Post(tech, $"{ro}/complete", null);
        await Post(advisor, $"{ro}/invoice", null);
        var locked = await orders.DecideAsync(shop, Id(order), new CustomerJobDecision(Id(cabin), true, "Dana Whitfield", null, DateTime.UtcNow, "approval link"), Ct);
        Assert.False(locked.Applied);
        Assert.Contains("invoiced", locked.Conflict, StringComparison.Ordinal);
        Assert.Equal("declined", (await advisor.GetFromJsonAsync<JsonElement>(ro, Ct)).GetProperty("jobs")[1].GetProperty("status").GetString());
    }
}
