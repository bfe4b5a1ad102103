using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Pitlane.Vin.Vpic;

/// <summary>
/// Typed HttpClient for NHTSA's vPIC API (production base address https://vpic.nhtsa.dot.gov/).
/// The HttpClient owns base address and timeout; this class only builds the request and maps the answer.
/// </summary>
public sealed class VpicClient(HttpClient http)
{
    /// <summary>
    /// GET api/vehicles/DecodeVinValues/{vin}?format=json[&amp;modelyear=YYYY]. vPIC accepts partial VINs
    /// with '*' wildcards, so <paramref name="vin"/> is escaped, not validated.
    /// </summary>
    /// <exception cref="VpicException">vPIC unreachable, timed out, non-2xx, or not DecodeVinValues JSON.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public async Task<VpicDecodeResult> DecodeAsync(string vin, int? modelYear, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vin);

        var path = string.Create(CultureInfo.InvariantCulture, $"api/vehicles/DecodeVinValues/{Uri.EscapeDataString(vin.Trim())}?format=json");
        if (modelYear is { } year)
        {
            path = string.Create(CultureInfo.InvariantCulture, $"{path}&modelyear={year}");
        }

        HttpResponseMessage response;
        try
        {
            // Default completion option buffers the body inside the request, so HttpClient.Timeout covers a slow body too.
            response = await http.GetAsync(new Uri(path, UriKind.Relative), ct);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new VpicException($"vPIC did not answer within {http.Timeout.TotalSeconds:0.###} s.", null, isTimeout: true, e);
        }
        catch (HttpRequestException e)
        {
            throw new VpicException($"vPIC could not be reached: {e.Message}", e.StatusCode, isTimeout: false, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new VpicException(
                    string.Create(CultureInfo.InvariantCulture, $"vPIC answered {(int)response.StatusCode} {response.ReasonPhrase}."),
                    response.StatusCode,
                    isTimeout: false,
                    null);
            }

            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                using var document = await JsonDocument.ParseAsync(body, default, ct);
                return Map(document.RootElement, response.StatusCode);
            }
            catch (JsonException e)
            {
                throw new VpicException("vPIC answered with a body that is not JSON.", response.StatusCode, isTimeout: false, e);
            }
        }
    }

    private static VpicDecodeResult Map(JsonElement root, HttpStatusCode status)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("Results", out var results)
            || results.ValueKind != JsonValueKind.Array
            || results.GetArrayLength() == 0
            || results[0].ValueKind != JsonValueKind.Object)
        {
            throw new VpicException("vPIC answered JSON without a Results object.", status, isTimeout: false, null);
        }

        var row = results[0];
        return new VpicDecodeResult(
            Make: Text(row, "Make"),
            Model: Text(row, "Model"),
            ModelYear: Integer(row, "ModelYear"),
            Trim: Text(row, "Trim"),
            BodyClass: Text(row, "BodyClass"),
            EngineModel: Text(row, "EngineModel"),
            DisplacementL: decimal.TryParse(Text(row, "DisplacementL"), NumberStyles.Number, CultureInfo.InvariantCulture, out var litres) ? litres : null,
            EngineCylinders: Integer(row, "EngineCylinders"),
            FuelType: Text(row, "FuelTypePrimary"),
            PlantCity: Text(row, "PlantCity"),
            PlantCountry: Text(row, "PlantCountry"),
            Manufacturer: Text(row, "Manufacturer"),
            ErrorCode: Text(row, "ErrorCode"),
            ErrorText: Text(row, "ErrorText"));
    }

    /// <summary>vPIC's "" (and a missing or null field) means unknown; a JSON number is accepted as its text.</summary>
    private static string? Text(JsonElement row, string name)
    {
        if (!row.TryGetProperty(name, out var value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private static int? Integer(JsonElement row, string name) =>
        int.TryParse(Text(row, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;
}
