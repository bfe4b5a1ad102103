using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pitlane.Obd.Simulator;
using Pitlane.Web.Tests.Inspections;

namespace Pitlane.Web.Tests.Shop;

/// <summary>"Create repair order" from a diagnostics scan, and the porter's check-in photos, over HTTP.</summary>
public abstract partial class ShopTests
{
    /// <summary>A completed misfire scan of a car of the demo shop (the simulator as the car): (vehicle, scan).</summary>
    /// <summary>A valid VIN (check digit X) that no demo car has, so the car starts without a customer.</summary>
    protected const string ScannedVin = "1M8GDM9AXKP042788";

    protected async Task<(Guid Vehicle, Guid Scan)> ScannedVehicleAsync(HttpClient advisor, ElmSimulatorServer sim, string vin = ScannedVin)
    {
        using var manager = await AsAsync("manager");
        var adapter = Id(await Post(manager, "/api/v1/diagnostics/adapters", new { name = $"Sim {Guid.NewGuid():N}"[..12], uri = $"tcp://127.0.0.1:{sim.Port}" },
            HttpStatusCode.Created));
        var registered = await advisor.PostAsJsonAsync("/api/v1/vehicles", new { vin }, Ct);
        var vehicle = registered.StatusCode == HttpStatusCode.Created
            ? Id(await Json(registered, HttpStatusCode.Created))
            : Id((await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/vehicles?q={vin}", Ct)).GetProperty("items")[0]);
        var started = await Post(advisor, "/api/v1/scans", new { vehicleId = vehicle, adapterId = adapter }, HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var scan = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/scans/{Id(started)}", Ct);
            var status = scan.GetProperty("status").GetString();
            if (status == "completed")
            {
                return (vehicle, Id(started));
            }
            Assert.True(status != "failed" && DateTime.UtcNow < deadline, $"scan {status}: {scan}");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task Given_completed_scan_Then_one_click_makes_one_order_with_a_pending_job_per_finding_and_strangers_wrong_roles_and_bad_input_are_refused()
    {
        await using var sim = new ElmSimulatorServer(new SimulatorOptions { Scenario = "misfire", Port = 0, Seed = 7, Vin = ScannedVin });
        await sim.StartAsync(Ct);
        using var advisor = await AsAsync("advisor");
        var (vehicle, scan) = await ScannedVehicleAsync(advisor, sim);
        const string path = "/api/v1/shop/orders/from-scan";

        // The car has no customer in the shop yet: nothing to open the order for.
        await Problem(await advisor.PostAsJsonAsync(path, new { scanId = scan }, Ct), HttpStatusCode.Conflict);
        var customer = Id(await Post(advisor, "/api/v1/shop/customers", new { name = $"Robin Vale {Guid.NewGuid():N}", phone = "+1 555 010 9090" }, HttpStatusCode.Created));
        await Post(advisor, $"/api/v1/shop/customers/{customer}/vehicles", new { vehicleId = vehicle }, HttpStatusCode.Created);

        foreach (var role in new[] { "tech", "porter" })
        {
            using var client = await AsAsync(role);
            await Problem(await client.PostAsJsonAsync(path, new { scanId = scan }, Ct), HttpStatusCode.Forbidden);
        }
        var (stranger, _) = await App.NewUserAsync();
        using (stranger)
        {
            await Problem(await stranger.PostAsJsonAsync(path, new { scanId = scan }, Ct), HttpStatusCode.NotFound);
            stranger.DefaultRequestHeaders.Add("X-Organization-Id", (await ShopAsync()).ToString());
            await Problem(await stranger.PostAsJsonAsync(path, new { scanId = scan }, Ct), HttpStatusCode.NotFound);
        }
        await Problem(await advisor.PostAsJsonAsync(path, new { scanId = (Guid?)null }, Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsync(path, new StringContent("{\"scanId\":\"nope\"}", Encoding.UTF8, "application/json"), Ct), HttpStatusCode.BadRequest);
        await Problem(await advisor.PostAsJsonAsync(path, new { scanId = Guid.NewGuid() }, Ct), HttpStatusCode.NotFound);

        // "created": no refused request above opened an order for the car.
        var created = await Post(advisor, path, new { scanId = scan }, HttpStatusCode.Created);
        Assert.True(created.GetProperty("created").GetBoolean());
        var orderId = created.GetProperty("repairOrderId").GetGuid();
        var order = await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{orderId}", Ct);
        var jobs = order.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(created.GetProperty("jobIds").GetArrayLength(), jobs.Count);
        Assert.NotEmpty(jobs);
        Assert.All(jobs, j => Assert.Equal("pending", j.GetProperty("status").GetString()));
        Assert.Contains(jobs, j => j.GetProperty("concern").GetString()?.Contains("P0300", StringComparison.Ordinal) == true);
        Assert.True(Total(order, "labor") > 0, order.ToString());
        Assert.Equal(customer, order.GetProperty("customerId").GetGuid());

        // A second click finds the same order and adds nothing.
        var again = await Post(advisor, path, new { scanId = scan }, HttpStatusCode.OK);
        Assert.Equal(orderId, again.GetProperty("repairOrderId").GetGuid());
        Assert.False(again.GetProperty("created").GetBoolean());
        Assert.Equal(jobs.Count, (await advisor.GetFromJsonAsync<JsonElement>($"/api/v1/shop/orders/{orderId}", Ct)).GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task Given_check_in_photo_Then_it_is_kept_on_the_check_and_non_images_wrong_roles_and_strangers_are_refused()
    {
        using var advisor = await AsAsync("advisor");
        var (_, vehicle) = await CustomerWithVehicleAsync(advisor, "PIT-002");
        using var porter = await AsAsync("porter");
        var check = Id(await Post(porter, "/api/v1/shop/vehicle-checks", new { vehicleId = vehicle, direction = "in", odometerKm = 40_100, fuelEighths = 5 },
            HttpStatusCode.Created));
        var path = $"/api/v1/shop/vehicle-checks/{check}/photos?name=front.jpg";
        HttpContent Photo(byte[] bytes, string type)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
            return content;
        }
        var jpeg = await File.ReadAllBytesAsync(Clips.Photo(), Ct);

        var stored = await Json(await porter.PostAsync(path, Photo(jpeg, "image/jpeg"), Ct), HttpStatusCode.Created);
        Assert.Equal(1, stored.GetProperty("count").GetInt32());
        Assert.StartsWith("/m/", stored.GetProperty("url").GetString(), StringComparison.Ordinal);
        var kept = await porter.GetFromJsonAsync<JsonElement>($"/api/v1/shop/vehicle-checks/{check}", Ct);
        Assert.Equal(stored.GetProperty("mediaId").GetGuid(), kept.GetProperty("photoIds")[0].GetGuid());
        // The signed path serves the photo to a browser without the organisation header.
        using (var anonymous = App.CreateClient())
        {
            var served = await anonymous.GetAsync(stored.GetProperty("url").GetString(), Ct);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // Named .jpg, but text: judged by its bytes.
        await Problem(await porter.PostAsync(path, Photo(Encoding.UTF8.GetBytes("not a photo at all"), "image/jpeg"), Ct), HttpStatusCode.UnsupportedMediaType);
        await Problem(await porter.PostAsync($"/api/v1/shop/vehicle-checks/{Guid.NewGuid()}/photos", Photo(jpeg, "image/jpeg"), Ct), HttpStatusCode.NotFound);
        await Problem(await porter.PostAsync($"{path}&name={new string('n', 300)}", Photo(jpeg, "image/jpeg"), Ct), HttpStatusCode.BadRequest);
        using var tech = await AsAsync("tech");
        await Problem(await tech.PostAsync(path, Photo(jpeg, "image/jpeg"), Ct), HttpStatusCode.Forbidden);
        var (stranger, _) = await App.NewUserAsync();
        using (stranger)
        {
            await Problem(await stranger.PostAsync(path, Photo(jpeg, "image/jpeg"), Ct), HttpStatusCode.NotFound);
        }
        Assert.Equal(1, (await porter.GetFromJsonAsync<JsonElement>($"/api/v1/shop/vehicle-checks/{check}", Ct)).GetProperty("photoIds").GetArrayLength());
    }
}
