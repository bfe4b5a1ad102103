using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pitlane.Modules.Parking.Search;

namespace Pitlane.Modules.Parking.Tesla;

/// <summary>
/// SIMULATOR of Tesla's vehicle cloud for the offline profile and the tests: answers the same HTTP API the
/// <see cref="TeslaFleetClient"/> speaks (token endpoint with PKCE check and refresh rotation, /api/1/vehicles,
/// vehicle_data?endpoints=location_data, wake_up, navigation_gps_request, users/region), with one simulated Model 3
/// per account that sleeps until woken and drives in a straight line to the last navigation destination.
/// Faults can be injected (<see cref="FailNext"/>) to exercise 408, 429 and 421 handling.
/// </summary>
public sealed class TeslaCloudSimulator(TeslaOptions options, TimeProvider time) : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, (string Challenge, string Account)> _codes = new();
    private readonly ConcurrentDictionary<string, string> _access = new();
    private readonly ConcurrentDictionary<string, string> _refresh = new();
    private readonly ConcurrentDictionary<string, SimulatedCar> _cars = new();
    private readonly ConcurrentQueue<HttpStatusCode> _faults = new();

    /// <summary>How fast the cars drive (metres per second); starts at the configured speed.</summary>
    public double MetersPerSecond { get; set; } = options.SimulatorSpeedMetersPerSecond;

    /// <summary>Moves the car with this VIN (parked, no destination).</summary>
    public bool ParkByVin(string vin, double latitude, double longitude)
    {
        var car = _cars.Values.FirstOrDefault(c => c.Vin == vin);
        car?.Teleport(latitude, longitude, time.GetUtcNow().UtcDateTime);
        return car is not null;
    }

    /// <summary>The next API call answers this status instead (one per call queued).</summary>
    public void FailNext(HttpStatusCode status) => _faults.Enqueue(status);

    /// <summary>Where a new account's car starts: about 2 km north-east of the given point, asleep.</summary>
    public SimulatedCar CarOf(string account) => _cars.GetOrAdd(account, a => new SimulatedCar(Vin(a), 52.53, 13.42, time.GetUtcNow().UtcDateTime));

    public void Park(string account, double latitude, double longitude) => CarOf(account).Teleport(latitude, longitude, time.GetUtcNow().UtcDateTime);

    /// <summary>The simulator's "login": issues an authorization code bound to the PKCE challenge, as auth.tesla.com would after consent.</summary>
    public string Authorize(string account, string challenge)
    {
        var code = "SIMCODE" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        _codes[code] = (challenge, account);
        return code;
    }

    private static string Vin(string account) => "5YJ3E1EA" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(account)))[..9].Replace('I', '1').Replace('O', '0').Replace('Q', '0');

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path.EndsWith("/oauth2/v3/token", StringComparison.Ordinal))
        {
            var form = System.Web.HttpUtility.ParseQueryString(await request.Content!.ReadAsStringAsync(cancellationToken));
            return Token(form);
        }
        var bearer = request.Headers.Authorization?.Parameter;
        if (bearer is null || !_access.TryGetValue(bearer, out var account))
        {
            return Reply(HttpStatusCode.Unauthorized, new { response = (object?)null, error = "invalid bearer token", error_description = "" });
        }
        if (_faults.TryDequeue(out var fault))
        {
            return fault switch
            {
                HttpStatusCode.TooManyRequests => WithRetry(Reply(fault, new { response = (object?)null, error = "Too many requests", error_description = "" })),
                (HttpStatusCode)421 => Reply(fault, new { response = (object?)null, error = "user out of region", error_description = "" }),
                _ => Reply(fault, new { response = (object?)null, error = "vehicle unavailable: vehicle is offline or asleep", error_description = "" }),
            };
        }
        var car = CarOf(account);
        var now = time.GetUtcNow().UtcDateTime;
        car.Advance(now, MetersPerSecond);
        if (path == "/api/1/users/region")
        {
            return Reply(HttpStatusCode.OK, new { response = new { region = "na", fleet_api_base_url = options.ApiBaseUrl } });
        }
        if (path == "/api/1/vehicles")
        {
            return Reply(HttpStatusCode.OK, new { response = new[] { new { id = 100021L, vin = car.Vin, display_name = "Simulated Model 3", state = car.Awake ? "online" : "asleep" } }, count = 1 });
        }
        var prefix = $"/api/1/vehicles/{car.Vin}";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return Reply(HttpStatusCode.NotFound, new { response = (object?)null, error = "not_found", error_description = "" });
        }
        var rest = path[prefix.Length..];
        if (rest == "/wake_up" && request.Method == HttpMethod.Post)
        {
            car.Wake();
            return Reply(HttpStatusCode.OK, new { response = new { id = 100021L, vin = car.Vin, state = "online" } });
        }
        if (!car.Awake)
        {
            return Reply(HttpStatusCode.RequestTimeout, new { response = (object?)null, error = "vehicle unavailable: vehicle is offline or asleep", error_description = "" });
        }
        if (rest == "/vehicle_data" && request.Method == HttpMethod.Get)
        {
            var endpoints = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query)["endpoints"] ?? "";
            if (!endpoints.Split(';').Contains("location_data"))
            {
                return Reply(HttpStatusCode.OK, new { response = new { id = 100021L, vin = car.Vin, state = "online" } });
            }
            return Reply(HttpStatusCode.OK, new
            {
                response = new
                {
                    id = 100021L, vin = car.Vin, state = "online",
                    drive_state = new { latitude = car.Latitude, longitude = car.Longitude, heading = 45, timestamp = new DateTimeOffset(now).ToUnixTimeMilliseconds() },
                },
            });
        }
        if (rest == "/command/navigation_gps_request" && request.Method == HttpMethod.Post)
        {
            using var json = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            if (!json.RootElement.TryGetProperty("lat", out var lat) || !lat.TryGetDouble(out var la) || !json.RootElement.TryGetProperty("lon", out var lon) || !lon.TryGetDouble(out var lo))
            {
                return Reply(HttpStatusCode.BadRequest, new { response = (object?)null, error = "invalid_field: lat, lon", error_description = "" });
            }
            car.DriveTo(la, lo, now);
            return Reply(HttpStatusCode.OK, new { response = new { result = true, reason = "" } });
        }
        return Reply(HttpStatusCode.NotFound, new { response = (object?)null, error = "not_found", error_description = "" });
    }

    private HttpResponseMessage Token(System.Collections.Specialized.NameValueCollection form)
    {
        string? account = null;
        switch (form["grant_type"])
        {
            case "authorization_code":
                if (form["code"] is { } code && _codes.TryRemove(code, out var issued) && form["code_verifier"] is { } verifier
                    && TeslaFleetClient.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) == issued.Challenge)
                {
                    account = issued.Account;
                }
                break;
            case "refresh_token":
                // Rotation: a refresh token works once; the answer carries its successor.
                if (form["refresh_token"] is { } refresh && _refresh.TryRemove(refresh, out var owner))
                {
                    account = owner;
                }
                break;
        }
        if (account is null)
        {
            return Reply(HttpStatusCode.Unauthorized, new { error = "invalid_grant", error_description = "The code, verifier or refresh token is not valid." });
        }
        var access = "SIMACCESS" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var next = "SIMREFRESH" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _access[access] = account;
        _refresh[next] = account;
        return Reply(HttpStatusCode.OK, new { access_token = access, refresh_token = next, id_token = "", expires_in = 28_800, token_type = "Bearer", state = "" });
    }

    private static HttpResponseMessage WithRetry(HttpResponseMessage response)
    {
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
        return response;
    }

    private static HttpResponseMessage Reply(HttpStatusCode status, object body) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
    };
}

/// <summary>One simulated car: asleep until woken, then drives straight to its destination at a constant speed.</summary>
public sealed class SimulatedCar(string vin, double latitude, double longitude, DateTime at)
{
    private readonly Lock _gate = new();
    private DateTime _at = at;
    private (double Lat, double Lon)? _destination;

    public string Vin { get; } = vin;
    public double Latitude { get; private set; } = latitude;
    public double Longitude { get; private set; } = longitude;
    public bool Awake { get; private set; }

    public void Wake()
    {
        lock (_gate)
        {
            Awake = true;
        }
    }

    public void Teleport(double latitude, double longitude, DateTime now)
    {
        lock (_gate)
        {
            (Latitude, Longitude, _at, _destination) = (latitude, longitude, now, null);
        }
    }

    public void DriveTo(double latitude, double longitude, DateTime now)
    {
        lock (_gate)
        {
            _at = now;
            _destination = (latitude, longitude);
        }
    }

    public void Advance(DateTime now, double metersPerSecond)
    {
        lock (_gate)
        {
            var seconds = (now - _at).TotalSeconds;
            _at = now;
            if (_destination is not { } d || seconds <= 0)
            {
                return;
            }
            var remaining = Geo.DistanceMeters(Latitude, Longitude, d.Lat, d.Lon);
            var step = metersPerSecond * seconds;
            if (step >= remaining)
            {
                (Latitude, Longitude, _destination) = (d.Lat, d.Lon, null);
                return;
            }
            var f = step / remaining;
            Latitude += (d.Lat - Latitude) * f;
            Longitude += (d.Lon - Longitude) * f;
        }
    }
}
