using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Vehicles.Contracts;
using Pitlane.Sourcing;
using Pitlane.Sourcing.Suppliers;

namespace Pitlane.Modules.Estimator.Pipeline;

public sealed record EstimateRequest(Guid VehicleId, IReadOnlyList<string> Jobs, long? CustomerPriceCeiling, int? LatestArrivalHours, Guid? RepairOrderId = null);

/// <summary>
/// The 12 named steps from a vehicle and a list of jobs to a recorded quote. Every step is timed and logged (to the
/// application log and onto the quote). A supplier that fails, times out or answers nonsense costs a warning, never
/// the estimate.
/// </summary>
public sealed class EstimatePipeline(
    EstimatorDbContext db,
    IVehicleDirectory vehicles,
    SupplierRegistry suppliers,
    PricingStore pricing,
    IRepairOrderWriter repairOrders,
    IOptions<EstimatorOptions> options,
    TimeProvider clock,
    ILogger<EstimatePipeline> logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static readonly HashSet<int> CombustionOnly = [1010, 1011, 1012, 1020, 1021, 1031, 1032, 1040, 1041, 1042];

    public async Task<Quote?> RunAsync(Guid organizationId, EstimateRequest request, CancellationToken ct)
    {
        var steps = new List<StepLog>();
        var warnings = new List<string>();
        var now = clock.GetUtcNow();
        var settings = await pricing.GetAsync(organizationId, ct);
        var watch = Stopwatch.StartNew();
        void Log(int number, string name, string outcome, string detail)
        {
            steps.Add(new StepLog(number, name, outcome, detail, Math.Round(watch.Elapsed.TotalMilliseconds, 2)));
            logger.LogInformation("Estimate step {Step} {Name}: {Outcome}, {Detail}", number, name, outcome, detail);
            watch.Restart();
        }

        // 1. Decode vehicle (through the Vehicles module's contract).
        var vehicle = await vehicles.FindAsync(organizationId, request.VehicleId, ct);
        if (vehicle is null) return null;
        var spec = new VehicleSpec(vehicle.ModelYear, vehicle.Make, vehicle.Model, vehicle.Engine, vehicle.Vin);
        var decoded = vehicle.ModelYear is not null && vehicle.Make is not null;
        if (!decoded) warnings.Add("The vehicle's VIN is not decoded: suppliers cannot check fitment by year and make.");
        Log(1, "Decode vehicle", decoded ? "ok" : "warning", $"{vehicle.Title}{(vehicle.Engine is { } e ? $", {e}" : "")}{(vehicle.FuelType is { } f ? $", {f}" : "")}");

        // 2. Expand jobs to part types and labor (shop book time, else the generic default, labelled).
        var bookTimes = await db.BookTimes.AsNoTracking().Where(b => b.OrganizationId == organizationId).ToListAsync(ct);
        var jobs = new List<JobLine>();
        var wanted = new List<(string LineId, string JobCode, PartType Type, int Quantity, bool Optional)>();
        foreach (var code in request.Jobs)
        {
            var op = LaborCatalog.Find(code)!;
            var shop = bookTimes
                .Where(b => b.OperationCode == op.Code && (b.Make is null || string.Equals(b.Make, spec.Make, StringComparison.OrdinalIgnoreCase))
                    && (b.Model is null || string.Equals(b.Model, spec.Model, StringComparison.OrdinalIgnoreCase)))
                .OrderByDescending(b => (b.Make is null ? 0 : 1) + (b.Model is null ? 0 : 2)).FirstOrDefault();
            var tenths = shop?.TenthsOfHour ?? op.GenericTenths;
            var source = shop is null ? LaborCatalog.GenericLabel
                : $"{LaborCatalog.ShopLabel}{(shop.Make is null ? "" : $" ({shop.Make}{(shop.Model is null ? "" : $" {shop.Model}")})")}";
            var rate = settings.RateFor(op.Category);
            jobs.Add(new JobLine(op.Code, op.Name, op.Category, tenths / 10m, source, rate, rate * tenths / 10));
            foreach (var part in op.Parts)
            {
                wanted.Add(($"{op.Code}-{part.PartTypeId}", op.Code, PartTypes.Find(part.PartTypeId)!, part.Quantity, part.Optional));
            }
        }
        Log(2, "Expand jobs", "ok", string.Join("; ", jobs.Select(j => $"{j.Name}: {j.Hours.ToString(CultureInfo.InvariantCulture)} h ({j.BookTimeSource})"))
            + $"; {wanted.Count} part lines");

        // 3. Fitment filter: part types the vehicle cannot have (no engine oil or spark plugs on an electric car);
        //    each offer's own fitment range is checked when the answers are normalised (step 5).
        var electric = vehicle.FuelType?.Contains("electric", StringComparison.OrdinalIgnoreCase) == true
            && vehicle.FuelType?.Contains("hybrid", StringComparison.OrdinalIgnoreCase) != true;
        var dropped = electric ? wanted.Where(w => CombustionOnly.Contains(w.Type.Id)).ToList() : [];
        wanted.RemoveAll(dropped.Contains);
        foreach (var d in dropped) warnings.Add($"{d.Type.Name} does not apply to an electric vehicle: left off.");
        Log(3, "Fitment filter", dropped.Count == 0 ? "ok" : "warning",
            dropped.Count == 0 ? $"{wanted.Count} part types apply to this vehicle" : $"{dropped.Count} part types do not apply ({string.Join(", ", dropped.Select(d => d.Type.Name))})");

        // 4. Quote every supplier in parallel, each bounded by the time-out.
        var partRequests = wanted.GroupBy(w => w.Type.Id).Select(g => new PartTypeRequest(g.Key, g.First().Type.Name, g.Max(w => w.Quantity))).ToList();
        var catalog = new CatalogQuoteRequest(spec, partRequests, now);
        var timeout = TimeSpan.FromMilliseconds(options.Value.SupplierTimeoutMs);
        var all = suppliers.All();
        var answers = await Task.WhenAll(all.Select(s => QuoteOneAsync(s, catalog, timeout, ct)));
        foreach (var (supplier, _, error) in answers.Where(a => a.Error is not null)) warnings.Add($"{supplier.Name} skipped: {error}");
        var answered = answers.Where(a => a.Quote is not null).ToList();
        Log(4, "Quote suppliers", answered.Count == all.Count ? "ok" : "warning",
            $"{answered.Count} of {all.Count} suppliers answered within {timeout.TotalMilliseconds} ms"
            + string.Concat(answers.Where(a => a.Error is not null).Select(a => $"; {a.Supplier.Name}: {a.Error}")));

        // 5. Normalise: currency, sane amounts, requested part types, fitment, price breaks for the quantity.
        var terms = new List<SupplierTerms>();
        var offers = new List<(IPartsSupplier Supplier, SupplierOffer Offer)>();
        int misfits = 0, nonsense = 0;
        foreach (var (supplier, answer, _) in answered)
        {
            if (!string.Equals(answer!.Currency, settings.Currency, StringComparison.OrdinalIgnoreCase))
            {
                warnings.Add($"{supplier.Name} skipped: it quotes in {answer.Currency}, the shop prices in {settings.Currency}.");
                continue;
            }
            if (answer.Terms.ShippingFee < 0 || answer.Terms.OrderMinimum < 0 || answer.Terms.FreeShippingThreshold < 0)
            {
                warnings.Add($"{supplier.Name} skipped: its shipping terms are negative.");
                continue;
            }
            var good = 0;
            var bad = 0;
            foreach (var offer in answer.Offers)
            {
                if (offer.UnitCost <= 0 || offer.ListPrice < 0 || offer.CoreCharge < 0 || offer.UnitCost > 10_000_000
                    || offer.Deliveries.Count == 0 || offer.Deliveries.Any(d => d.Fee < 0 || d.TransitMinutes < 0)
                    || !partRequests.Any(p => p.PartTypeId == offer.PartTypeId) || string.IsNullOrWhiteSpace(offer.PartNumber))
                {
                    bad++;
                    continue;
                }
                if (offer.Fitment is { } fit && !fit.Fits(spec))
                {
                    misfits++;
                    continue;
                }
                good++;
                offers.Add((supplier, offer));
            }
            nonsense += bad;
            if (answer.Offers.Count > 0 && good == 0 && bad > 0) warnings.Add($"{supplier.Name}: none of its offers made sense; skipped.");
            terms.Add(new SupplierTerms(supplier.Id, answer.Terms.ShippingFee, answer.Terms.FreeShippingThreshold, answer.Terms.OrderMinimum));
        }
        if (nonsense > 0) warnings.Add($"{nonsense} offers dropped as malformed (no price, unknown part type, no delivery).");
        Log(5, "Normalise", nonsense > 0 ? "warning" : "ok", $"{offers.Count} offers kept; {misfits} do not fit this vehicle; {nonsense} malformed");

        // 6. Availability and arrival per store: one candidate per store holding stock, per delivery option.
        var perLine = wanted.ToDictionary(w => w.LineId, _ => new List<(OfferView View, Candidate Candidate, SupplierOffer Offer)>());
        var stock = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var w in wanted)
        {
            foreach (var (supplier, offer) in offers.Where(o => o.Offer.PartTypeId == w.Type.Id))
            {
                var unitCost = offer.CostFor(w.Quantity);
                var stores = offer.Status switch
                {
                    StockStatus.InStock => offer.Stores.Where(s => s.Quantity > 0).Select(s => (s, Extra: 0)).ToList(),
                    StockStatus.SpecialOrder => offer.Stores.Take(1).Select(s => (s, Extra: 3 * 24 * 60)).ToList(),
                    StockStatus.BackOrder => offer.Stores.Take(1).Select(s => (s, Extra: 7 * 24 * 60)).ToList(),
                    _ => [],
                };
                foreach (var (store, extra) in stores)
                {
                    var pool = $"{supplier.Id}/{store.StoreId}/{offer.PartNumber}";
                    if (offer.Status == StockStatus.InStock) stock[pool] = store.Quantity;
                    foreach (var delivery in offer.Deliveries)
                    {
                        var eta = Delivery.Arrival(delivery, now).AddMinutes(extra);
                        var id = $"{pool}/{delivery.Name}";
                        var view = new OfferView(id, supplier.Id, supplier.Name, offer.PartNumber, offer.Brand, offer.Name, offer.Tier, offer.WarrantyMonths,
                            store.StoreId, store.StoreName, offer.Status == StockStatus.InStock ? store.Quantity : 0,
                            offer.Status == StockStatus.InStock ? delivery.Name : $"{delivery.Name} ({Status(offer.Status)})",
                            eta, unitCost, 0, offer.CoreCharge, delivery.Fee, offer.ListPrice);
                        perLine[w.LineId].Add((view, new Candidate(id, supplier.Id, pool, unitCost, 0, offer.CoreCharge, delivery.Fee,
                            (int)Math.Ceiling((eta - now).TotalMinutes)), offer));
                    }
                }
            }
        }
        var late = request.LatestArrivalHours is { } h ? perLine.Values.Sum(l => l.Count(c => c.Candidate.EtaMinutes > h * 60)) : 0;
        Log(6, "Availability and arrival", "ok", $"{perLine.Values.Sum(l => l.Count)} store/delivery choices; {stock.Count} stock pools"
            + (request.LatestArrivalHours is { } hrs ? $"; {late} arrive after {hrs} h" : ""));

        // 7. Shop rules: minimum quality tier, used-part policy, minimum warranty, preferred brands when available.
        var notes = wanted.ToDictionary(w => w.LineId, _ => new List<string>());
        var removed = 0;
        foreach (var w in wanted)
        {
            var list = perLine[w.LineId];
            var before = list.Count;
            var tierOut = list.RemoveAll(c => c.Offer.Tier < settings.MinimumTier && !(c.Offer.Tier == QualityTier.Used && settings.AllowUsedParts));
            var usedOut = settings.AllowUsedParts ? 0 : list.RemoveAll(c => c.Offer.Tier == QualityTier.Used);
            var warrantyOut = list.RemoveAll(c => c.Offer.WarrantyMonths < settings.MinimumWarrantyMonths);
            var brandOut = 0;
            if (settings.PreferredBrands.Count > 0 && list.Any(c => Preferred(settings, c.Offer.Brand)))
                brandOut = list.RemoveAll(c => !Preferred(settings, c.Offer.Brand));
            if (tierOut > 0) notes[w.LineId].Add($"{tierOut} below the shop's minimum tier ({settings.MinimumTier})");
            if (usedOut > 0) notes[w.LineId].Add($"{usedOut} used parts excluded by shop policy");
            if (warrantyOut > 0) notes[w.LineId].Add($"{warrantyOut} with less than {settings.MinimumWarrantyMonths} months' warranty");
            if (brandOut > 0) notes[w.LineId].Add($"{brandOut} not from a preferred brand (a preferred brand is available)");
            removed += before - list.Count;
        }
        Log(7, "Shop rules", "ok", $"{removed} choices removed (minimum tier {settings.MinimumTier}, used parts {(settings.AllowUsedParts ? "allowed" : "not allowed")}, "
            + $"warranty ≥ {settings.MinimumWarrantyMonths} months, preferred brands: {(settings.PreferredBrands.Count == 0 ? "none" : string.Join(", ", settings.PreferredBrands))})");

        // 8. Price by the markup matrix.
        foreach (var w in wanted)
        {
            var list = perLine[w.LineId];
            for (var i = 0; i < list.Count; i++)
            {
                var sell = settings.Sell(list[i].Candidate.UnitCost);
                list[i] = (list[i].View with { UnitSell = sell }, list[i].Candidate with { UnitSell = sell }, list[i].Offer);
            }
        }
        var laborTotal = jobs.Sum(j => j.LaborTotal);
        Log(8, "Price", "ok", $"parts at the markup matrix ({string.Join(", ", settings.Markup.Select(t => t.UpToCost is { } u ? $"≤{Money(u)}: +{t.MarkupPercent}%" : $"above: +{t.MarkupPercent}%"))}); labor {Money(laborTotal)}");

        // 9. Optimise: exact CP-SAT solver, and the greedy cheapest-per-line baseline for comparison.
        var lines = new List<PartLine>();
        foreach (var w in wanted)
        {
            var list = perLine[w.LineId];
            if (list.Count == 0 && !w.Optional) warnings.Add($"No supplier offers {w.Type.Name} for this vehicle within the shop's rules: add it by hand.");
            lines.Add(new PartLine(w.LineId, w.Quantity, list.Select(c => c.Candidate).ToList(), Optional: w.Optional || list.Count == 0,
                LatestArrivalMinutes: request.LatestArrivalHours * 60));
        }
        var problem = new SourcingProblem(lines, terms, stock, request.CustomerPriceCeiling, settings.EtaPenaltyPerHour);
        var exact = new ExactSolver(new ExactSolverOptions { TimeLimit = TimeSpan.FromMilliseconds(options.Value.OptimiserTimeLimitMs) }).Solve(problem);
        var greedy = new GreedySolver().Solve(problem);
        if (exact.Status == SolutionStatus.Infeasible) warnings.Add($"No combination of offers meets every limit: {exact.Reason}.");
        Log(9, "Optimise", exact.Status == SolutionStatus.Infeasible ? "warning" : "ok",
            $"exact: {exact.Status}, parts gross profit {Money(exact.Evaluation.GrossProfit)} in {exact.Elapsed.TotalMilliseconds:F1} ms; "
            + $"greedy cheapest-per-line: {(greedy.Status == SolutionStatus.Infeasible ? "breaks a limit" : Money(greedy.Evaluation.GrossProfit))}");

        // 10. Explain each line.
        var explanations = Explainer.Explain(problem, exact);
        var views = new List<LineView>();
        for (var i = 0; i < wanted.Count; i++)
        {
            var w = wanted[i];
            var x = explanations[i];
            views.Add(new LineView(w.LineId, w.JobCode, w.Type.Id, w.Type.Name, w.Quantity, w.Optional, perLine[w.LineId].Select(c => c.View).ToList(),
                exact.Choice[i], exact.Choice[i], greedy.Choice[i], false, x.Reason, x.RunnerUp, x.RunnerUpLineCost, x.RunnerUpProfitDelta, notes[w.LineId]));
        }
        Log(10, "Explain", "ok", $"{views.Count(v => v.Chosen is not null)} lines chosen, {views.Count(v => v.Chosen is null)} left out");

        var document = new QuoteDocument(spec, jobs, views, problem, Totals(problem, exact, greedy, laborTotal, settings), steps, warnings,
            request.CustomerPriceCeiling, request.LatestArrivalHours);
        var quote = new Quote
        {
            Id = Guid.NewGuid(), OrganizationId = organizationId, VehicleId = vehicle.Id, VehicleTitle = vehicle.Title,
            CreatedAt = now.UtcDateTime, UpdatedAt = now.UtcDateTime, Currency = settings.Currency,
        };

        // 11. Write to the repair order (through IRepairOrderWriter).
        var written = await repairOrders.WriteAsync(organizationId, request.RepairOrderId, document, ct);
        Log(11, "Write to the RO", written.Outcome, written.Detail);

        // 12. Record the quote for audit and learning.
        Log(12, "Record the quote", "ok", $"quote {quote.Id} stored with {views.Sum(v => v.Offers.Count)} offers, both solvers' choices and this log");
        document = document with { Steps = steps };
        Apply(quote, document);
        db.Quotes.Add(quote);
        await db.SaveChangesAsync(ct);
        return quote;
    }

    internal static void Apply(Quote quote, QuoteDocument document)
    {
        quote.Document = JsonSerializer.Serialize(document, Json);
        quote.PartsTotal = document.Totals.PartsSell + document.Totals.Core;
        quote.LaborTotal = document.Totals.Labor;
        quote.GrandTotal = document.Totals.Total;
        quote.PartsGrossProfit = document.Totals.PartsGrossProfit;
        quote.GreedyGrossProfit = document.Totals.GreedyGrossProfit;
    }

    internal static QuoteTotals Totals(SourcingProblem problem, Solution chosen, Solution greedy, long labor, PricingSettings settings, Solution? optimiser = null)
    {
        var e = chosen.Evaluation;
        var tax = (e.PartsSell + e.CoreTotal) * settings.PartsTaxBasisPoints / 10_000;
        var best = optimiser ?? chosen;
        return new QuoteTotals(e.PartsSell, e.PartsCost, e.CoreTotal, e.DeliveryFees, e.ShippingFees, labor, tax, e.PartsSell + e.CoreTotal + tax + labor,
            e.GrossProfit, greedy.Status == SolutionStatus.Infeasible ? 0 : greedy.Evaluation.GrossProfit, best.Evaluation.GrossProfit,
            best.Status.ToString(), Math.Round(best.Elapsed.TotalMilliseconds, 2), Math.Round(greedy.Elapsed.TotalMilliseconds, 3));
    }

    private async Task<(IPartsSupplier Supplier, SupplierQuote? Quote, string? Error)> QuoteOneAsync(
        IPartsSupplier supplier, CatalogQuoteRequest request, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            // WaitAsync as well: a supplier that ignores its token still cannot hold the estimate.
            var quote = await Task.Run(() => supplier.QuoteAsync(request, limit.Token), limit.Token).WaitAsync(timeout, ct);
            if (quote is null || quote.Offers is null || quote.Terms is null || quote.Currency is null) return (supplier, null, "answered an empty or malformed quote");
            return (supplier, quote, null);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is OperationCanceledException or TimeoutException)
        {
            logger.LogWarning("Supplier {Supplier} timed out after {Timeout} ms", supplier.Id, timeout.TotalMilliseconds);
            return (supplier, null, $"no answer within {timeout.TotalMilliseconds} ms");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Any failure of one supplier (its network, its answer, a bug in its adapter) costs that supplier and is
            // shown on the quote as a warning; the estimate goes on with the others.
            logger.LogWarning(ex, "Supplier {Supplier} failed", supplier.Id);
            return (supplier, null, ex is JsonException ? "answered something that is not a valid quote" : ex is HttpRequestException or SupplierException ? ex.Message : $"its answer could not be read ({ex.GetType().Name})");
        }
    }

    private static bool Preferred(PricingSettings settings, string brand) =>
        settings.PreferredBrands.Any(p => brand.Contains(p, StringComparison.OrdinalIgnoreCase));

    private static string Status(StockStatus status) => status switch
    {
        StockStatus.SpecialOrder => "special order",
        StockStatus.BackOrder => "back order",
        _ => status.ToString(),
    };

    internal static string Money(long minor) => (minor / 100m).ToString("N2", CultureInfo.InvariantCulture);
}

/// <summary>A supplier said no in its own words (an error body, a refused login).</summary>
public sealed class SupplierException(string message) : Exception(message);
