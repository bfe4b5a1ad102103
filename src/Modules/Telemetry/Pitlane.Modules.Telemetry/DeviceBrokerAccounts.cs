using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pitlane.Modules.Telemetry;

/// <summary>
/// A device's own login to the MQTT broker, created and removed with the device, so devices never share the broker's
/// admin login: it may publish only to its own topic <c>devices/{id}/telemetry</c>.
/// </summary>
public interface IDeviceBrokerAccounts
{
    /// <summary>The MQTT user name the device logs in with (its password is its device key); null without a broker.</summary>
    string? LoginFor(Guid deviceId);

    Task CreateAsync(Guid deviceId, string key, CancellationToken ct);

    Task DeleteAsync(Guid deviceId, CancellationToken ct);
}

/// <summary>No broker to manage (embedded profile, or Pitlane:VehicleTelemetry:Mqtt:ManagementUrl unset).</summary>
public sealed class NoDeviceBrokerAccounts : IDeviceBrokerAccounts
{
    public string? LoginFor(Guid deviceId) => null;

    public Task CreateAsync(Guid deviceId, string key, CancellationToken ct) => Task.CompletedTask;

    public Task DeleteAsync(Guid deviceId, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// RabbitMQ's management HTTP API (rabbitmq_management): <c>PUT /api/users/{user}</c>, <c>PUT /api/permissions/{vhost}/{user}</c>
/// (write to amq.topic only; nothing to configure or read) and <c>PUT /api/topic-permissions/{vhost}/{user}</c> (the MQTT
/// plugin maps topic "devices/{id}/telemetry" to routing key "devices.{id}.telemetry" on amq.topic; only that one may
/// be written). <c>DELETE /api/users/{user}</c> removes the login and closes its connections' authority.
/// </summary>
public sealed class RabbitMqDeviceAccounts(HttpClient http, IOptions<TelemetryOptions> options) : IDeviceBrokerAccounts
{
    private MqttBrokerOptions Broker => options.Value.Mqtt;

    public static string UserName(Guid deviceId) => $"device-{deviceId:N}";

    public string? LoginFor(Guid deviceId) => Broker.VirtualHost == "/" ? UserName(deviceId) : $"{Broker.VirtualHost}:{UserName(deviceId)}";

    public async Task CreateAsync(Guid deviceId, string key, CancellationToken ct)
    {
        var user = Uri.EscapeDataString(UserName(deviceId));
        var vhost = Uri.EscapeDataString(Broker.VirtualHost);
        await SendAsync(HttpMethod.Put, $"api/users/{user}", new { password = key, tags = "" }, ct);
        await SendAsync(HttpMethod.Put, $"api/permissions/{vhost}/{user}", new { configure = "^$", write = "^amq\\.topic$", read = "^$" }, ct);
        await SendAsync(HttpMethod.Put, $"api/topic-permissions/{vhost}/{user}",
            new { exchange = "amq.topic", write = $"^devices\\.{deviceId:D}\\.telemetry$", read = "^$" }, ct);
    }

    public async Task DeleteAsync(Guid deviceId, CancellationToken ct)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Delete, $"api/users/{Uri.EscapeDataString(UserName(deviceId))}", null), ct);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    private async Task SendAsync(HttpMethod method, string path, object body, CancellationToken ct)
    {
        using var response = await http.SendAsync(Request(method, path, body), ct);
        response.EnsureSuccessStatusCode();
    }

    private HttpRequestMessage Request(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(Broker.ManagementUrl!.TrimEnd('/') + "/"), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Broker.ManagementUser}:{Broker.ManagementPassword}")));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return request;
    }
}

/// <summary>The "Pitlane:VehicleTelemetry:Mqtt" section: RabbitMQ's management API, for per-device MQTT logins.</summary>
public sealed class MqttBrokerOptions
{
    /// <summary>e.g. http://rabbitmq:15672/; unset: devices get no broker login of their own.</summary>
    public string? ManagementUrl { get; set; }

    public string? ManagementUser { get; set; }

    public string? ManagementPassword { get; set; }

    /// <summary>The virtual host devices publish into (their MQTT user name is "vhost:device-…" unless it is "/").</summary>
    public string VirtualHost { get; set; } = "/";

    public bool Enabled => !string.IsNullOrEmpty(ManagementUrl);

    public void Validate(List<string> faults)
    {
        if (!Enabled)
        {
            return;
        }
        if (!Uri.TryCreate(ManagementUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            faults.Add($"Pitlane:VehicleTelemetry:Mqtt:ManagementUrl must be an absolute http(s) URL, not '{ManagementUrl}'.");
        }
        if (string.IsNullOrEmpty(ManagementUser) || string.IsNullOrEmpty(ManagementPassword))
        {
            faults.Add("Pitlane:VehicleTelemetry:Mqtt:ManagementUser and ManagementPassword are required with ManagementUrl.");
        }
        if (string.IsNullOrEmpty(VirtualHost))
        {
            faults.Add("Pitlane:VehicleTelemetry:Mqtt:VirtualHost must not be empty.");
        }
    }
}
