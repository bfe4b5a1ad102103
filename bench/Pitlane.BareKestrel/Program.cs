// Bare Kestrel: one minimal-API JSON endpoint shaped like a vehicle, no auth, no database, no middleware.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var vehicle = new Vehicle(Guid.CreateVersion7(), Guid.CreateVersion7(), "1HGCM82633A004352", 2003, "Honda", "Honda Motor Co., Ltd.", "Accord",
    null, null, null, null, "United States", null, "local", 212_400, "PIT-001", "Customer Accord", DateTime.UtcNow, DateTime.UtcNow);
app.MapGet("/api/v1/vehicles/{id:guid}", (Guid id) => TypedResults.Ok(vehicle with { Id = id }));
app.Run();

internal sealed record Vehicle(
    Guid Id, Guid OrganizationId, string Vin, int? ModelYear, string? Make, string? Manufacturer, string? Model, string? Trim,
    string? BodyClass, string? Engine, string? FuelType, string? Country, string? PlantCountry, string DecodeSource,
    int? OdometerKm, string? Plate, string? Nickname, DateTime CreatedAt, DateTime UpdatedAt);
