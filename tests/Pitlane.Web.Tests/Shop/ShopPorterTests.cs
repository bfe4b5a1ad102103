using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pitlane.Web.Tests.Shop;

/// <summary>Porter work (cars checked in and out, the loaner fleet) and the bays' published calendar feeds.</summary>
public abstract partial class ShopTests
{
    [Fact]
    public async Task Given_50_concurrent_conflicting_loaner_agreements_Then_exactly_one_wins_and_the_rest_are_409()
    {
        using var manager = await AsAsync("manager");
        var loaner = await Post(manager, "/api/v1/shop/loaners", new { name = $"Loaner {Guid.NewGuid():N}", plate = "LN-101", odometerKm = 12_000, fuelEighths = 8 },
            HttpStatusCode.Created);
        using var advisor = await AsAsync("advisor");
        var (customer, _) = await CustomerWithVehicleAsync(advisor, "PIT-003");
        using var porter = await AsAsync("porter");
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(5).AddHours(8), TimeSpan.Zero);
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            // Every agreement overlaps every other: all start within [08:00, 08:49) and last a day.
            var response = await porter.PostAsJsonAsync($"/api/v1/shop/loaners/{Id(loaner)}/agreements",
                new { customerId = customer, startsAt = start.AddMinutes(i), endsAt = start.AddMinutes(i).AddDays(1), fuelOutEighths = 8 }, Ct);
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType);
        }, Ct)));
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(49, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.All(results.Where(r => r.StatusCode == HttpStatusCode.Conflict), r => Assert.Equal("application/problem+json", r.MediaType));
        var agreements = await porter.GetFromJsonAsync<JsonElement>(
            $"/api/v1/shop/loaners/{Id(loaner)}/agreements?from={Uri.EscapeDataString(start.AddDays(-1).ToString("O"))}&to={Uri.EscapeDataString(start.AddDays(3).ToString("O"))}", Ct);
        var won = Assert.Single(agreements.EnumerateArray());
        Assert.Equal(12_000, won.GetProperty("odometerOutKm").GetInt32());

        // Returned early: the odometer cannot go back, the rest of the period is free again, the fleet keeps the reading.
        var agreement = $"/api/v1/shop/loaner-agreements/{Id(won)}";
        await Problem(await porter.PostAsJsonAsync($"{agreement}/return", new { odometerInKm = 11_999, fuelInEighths = 6 }, Ct), HttpStatusCode.Conflict);
        await Problem(await porter.PostAsJsonAsync($"{agreement}/return", new { odometerInKm = 12_180, fuelInEighths = 9 }, Ct), HttpStatusCode.BadRequest);
        var returned = await Post(porter, $"{agreement}/return", new { odometerInKm = 12_180, fuelInEighths = 6, damageNotes = "Scratch on rear bumper" });
        Assert.Equal("returned", returned.GetProperty("status").GetString());
        Assert.Equal("Scratch on rear bumper", returned.GetProperty("damageIn").GetString());
        await Problem(await porter.PostAsJsonAsync($"{agreement}/return", new { odometerInKm = 12_200, fuelInEighths = 6 }, Ct), HttpStatusCode.Conflict);
        var fleet = await porter.GetFromJsonAsync<JsonElement>("/api/v1/shop/loaners", Ct);
        var car = fleet.EnumerateArray().Single(l => Id(l) == Id(loaner));
        Assert.Equal(12_180, car.GetProperty("odometerKm").GetInt32());
        Assert.Equal(6, car.GetProperty("fuelEighths").GetInt32());
        await Post(porter, $"/api/v1/shop/loaners/{Id(loaner)}/agreements",
            new { customerId = customer, startsAt = start.AddDays(1).AddHours(1), endsAt = start.AddDays(2) }, HttpStatusCode.Created);

        // Bad input changes nothing; porters lend but do not buy cars; technicians do not lend; another shop's loaner is not there.
        await Problem(await porter.PostAsJsonAsync($"/api/v1/shop/loaners/{Id(loaner)}/agreements",
            new { customerId = customer, startsAt = start.AddDays(10), endsAt = start.AddDays(9) }, Ct), HttpStatusCode.BadRequest);
        await Problem(await porter.PostAsJsonAsync($"/api/v1/shop/loaners/{Id(loaner)}/agreements",
            new { customerId = Guid.NewGuid(), startsAt = start.AddDays(10), endsAt = start.AddDays(11) }, Ct), HttpStatusCode.BadRequest);
        await Problem(await porter.PostAsJsonAsync("/api/v1/shop/loaners", new { name = "Mine", plate = "X" }, Ct), HttpStatusCode.Forbidden);
        using var tech = await AsAsync("tech");
        await Problem(await tech.PostAsJsonAsync($"/api/v1/shop/loaners/{Id(loaner)}/agreements",
            new { customerId = customer, startsAt = start.AddDays(20), endsAt = start.AddDays(21) }, Ct), HttpStatusCode.Forbidden);
        using var stranger = (await App.NewUserAsync()).Client;
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"/api/v1/shop/loaners/{Id(loaner)}/agreements",
            new { customerId = customer, startsAt = start.AddDays(20), endsAt = start.AddDays(21) }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_porter_check_in_Then_odometer_fuel_and_key_tag_are_kept_and_bad_input_is_400()
    {
        using var advisor = await AsAsync("advisor");
        var (customer, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-001");
        var order = await Post(advisor, "/api/v1/shop/orders", new { customerId = customer, vehicleId = vehicle }, HttpStatusCode.Created);
        using var porter = await AsAsync("porter");
        var checkIn = await Post(porter, "/api/v1/shop/vehicle-checks",
            new { vehicleId = vehicle, repairOrderId = Id(order), direction = "in", odometerKm = 88_412, fuelEighths = 3, keyTag = " K-17 ", notes = "Dent on driver door" },
            HttpStatusCode.Created);
        Assert.Equal("in", checkIn.GetProperty("direction").GetString());
        Assert.Equal("K-17", checkIn.GetProperty("keyTag").GetString());
        Assert.Equal(88_412, checkIn.GetProperty("odometerKm").GetInt32());
        await Post(porter, "/api/v1/shop/vehicle-checks", new { vehicleId = vehicle, repairOrderId = Id(order), direction = "out", odometerKm = 88_420, fuelEighths = 3 },
            HttpStatusCode.Created);
        var history = await porter.GetFromJsonAsync<JsonElement>($"/api/v1/shop/vehicle-checks?repairOrderId={Id(order)}", Ct);
        Assert.Equal(["out", "in"], history.EnumerateArray().Select(c => c.GetProperty("direction").GetString()));

        foreach (var bad in new object[]
        {
            new { vehicleId = vehicle, direction = "sideways", odometerKm = 1, fuelEighths = 1 },
            new { vehicleId = vehicle, direction = "in", odometerKm = -1, fuelEighths = 1 },
            new { vehicleId = vehicle, direction = "in", odometerKm = 1, fuelEighths = 12 },
            new { vehicleId = Guid.NewGuid(), direction = "in", odometerKm = 1, fuelEighths = 1 },
            new { vehicleId = vehicle, direction = "in", odometerKm = 1, fuelEighths = 1, keyTag = new string('k', 40) },
        })
        {
            await Problem(await porter.PostAsJsonAsync("/api/v1/shop/vehicle-checks", bad, Ct), HttpStatusCode.BadRequest);
        }
        Assert.Equal(2, (await porter.GetFromJsonAsync<JsonElement>($"/api/v1/shop/vehicle-checks?vehicleId={vehicle}", Ct)).GetArrayLength());
        using var tech = await AsAsync("tech");
        await Problem(await tech.PostAsJsonAsync("/api/v1/shop/vehicle-checks", new { vehicleId = vehicle, direction = "in", odometerKm = 1, fuelEighths = 1 }, Ct),
            HttpStatusCode.Forbidden);
        using var stranger = (await App.NewUserAsync()).Client;
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/shop/vehicle-checks/{Id(checkIn)}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Given_published_bay_feed_Then_a_calendar_app_reads_it_without_signing_in_until_it_is_revoked()
    {
        using var manager = await AsAsync("manager");
        var bay = await Post(manager, "/api/v1/shop/bays", new { name = $"Feed bay {Guid.NewGuid():N}", hasLift = true, opensAt = "00:00", closesAt = "24:00", timeZone = "UTC" },
            HttpStatusCode.Created);
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(2).AddHours(10), TimeSpan.Zero);
        await Post(manager, $"/api/v1/shop/bays/{Id(bay)}/bookings", new { startsAt = start, endsAt = start.AddHours(1), title = "Timing belt" }, HttpStatusCode.Created);
        var path = (await Post(manager, $"/api/v1/shop/bays/{Id(bay)}/calendar-feed", null)).GetProperty("path").GetString()!;
        using var anonymous = App.CreateClient();
        var feed = await anonymous.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        Assert.Equal("text/calendar", feed.Content.Headers.ContentType?.MediaType);
        Assert.Contains("SUMMARY:Timing belt", await feed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(path.Replace(".ics", "x.ics", StringComparison.Ordinal), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/feeds/shop/bays/{Guid.NewGuid()}/{path.Split('/')[^1]}", Ct)).StatusCode);

        var rotated = (await Post(manager, $"/api/v1/shop/bays/{Id(bay)}/calendar-feed", null)).GetProperty("path").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(rotated, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await manager.DeleteAsync($"/api/v1/shop/bays/{Id(bay)}/calendar-feed", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(rotated, Ct)).StatusCode);
        using var advisor = await AsAsync("advisor");
        await Problem(await advisor.PostAsJsonAsync($"/api/v1/shop/bays/{Id(bay)}/calendar-feed", new { }, Ct), HttpStatusCode.Forbidden);
    }
}
