using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pitlane.Platform;

namespace Pitlane.Modules.Vehicles;

public sealed record CheckDigitResponse(string Expected, string Actual, bool Valid);
public sealed record VinFindingResponse(string Code, string Message, int? Position);
public sealed record VinResponse(
    string Vin,
    bool IsValid,
    CheckDigitResponse? CheckDigit,
    int? ModelYear,
    string? Wmi,
    string? Manufacturer,
    string? Make,
    string? Country,
    string? Region,
    string? Vds,
    string? Vis,
    string? PlantCode,
    string? SerialNumber,
    string? Model,
    string? Trim,
    string? BodyClass,
    string? Engine,
    string? FuelType,
    string? PlantCountry,
    string Source,
    IReadOnlyDictionary<string, string> Sources,
    IReadOnlyList<VinFindingResponse> Errors)
{
    public static VinResponse From(VinDecoding d)
    {
        var local = d.Local;
        return new VinResponse(
            local.Vin,
            local.IsValid,
            local.CheckDigit is { } c ? new CheckDigitResponse(c.Expected.ToString(), c.Actual.ToString(), c.Valid) : null,
            d.ModelYear,
            local.Wmi,
            d.Manufacturer,
            d.Make,
            local.Country,
            local.Region,
            local.Vds,
            local.Vis,
            local.PlantCode?.ToString(),
            local.SerialNumber,
            d.Model,
            d.Trim,
            d.BodyClass,
            d.Engine,
            d.FuelType,
            d.PlantCountry,
            d.Source,
            d.Sources,
            local.Errors.Select(e => new VinFindingResponse(e.Code, e.Message, e.Position)).ToList());
    }
}

public static class VinEndpoints
{
    public static IEndpointRouteBuilder MapVinEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/vin/{vin}", Decode).WithTags("Vehicles").RequireAuthorization()
            .WithSummary("Decode a VIN: check digit (49 CFR 565), model year, manufacturer; NHTSA vPIC details when reachable.");
        return routes;
    }

    internal static async Task<Results<Ok<VinResponse>, ValidationProblem>> Decode(string vin, VinDecodingService decoder, CancellationToken ct)
    {
        var decoded = await decoder.DecodeAsync(vin, ct);
        if (!decoded.Local.IsWellFormed)
        {
            return MalformedVin(decoded);
        }
        return TypedResults.Ok(VinResponse.From(decoded));
    }

    /// <summary>400 naming each fault of a VIN that is not 17 characters of the VIN alphabet.</summary>
    public static ValidationProblem MalformedVin(VinDecoding decoded) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["vin"] = decoded.Local.Errors.Select(e => e.Message).ToArray() },
            detail: "The VIN is malformed: " + string.Join(" ", decoded.Local.Errors.Select(e => e.Message)),
            title: "Malformed VIN");
}
