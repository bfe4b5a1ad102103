namespace Pitlane.Sourcing;

/// <summary>
/// Deterministic problem generator for the tests and the benchmark (same seed, same problem), shaped like a real
/// parts quote: list prices that do not follow cost (brands price differently), supplier shipping fees with
/// free-shipping thresholds, two suppliers with order minimums, shared stock pools (two lines wanting the same
/// part number from the same store), a few optional lines, a few lines with a latest arrival, and a customer
/// ceiling on the parts total.
/// </summary>
public static class SampleProblems
{
    public static SourcingProblem Generate(int seed, int lineCount, int supplierCount, bool withCeiling = true, long etaPenaltyPerHour = 0)
    {
        var random = new Random(seed);
        var suppliers = new List<SupplierTerms>();
        for (var s = 0; s < supplierCount; s++)
        {
            suppliers.Add(new SupplierTerms($"S{s}", ShippingFee: random.Next(8, 26) * 100,
                FreeShippingThreshold: s % 3 == 2 ? null : random.Next(10, 45) * 1000,
                OrderMinimum: s % 4 == 1 ? random.Next(3, 8) * 1000 : 0));
        }
        var stock = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = new List<PartLine>();
        var poolSpan = Math.Max(1, lineCount * 3 / 4);
        for (var l = 0; l < lineCount; l++)
        {
            var qty = random.Next(1, 4);
            var baseCost = random.Next(15, 200) * 100;
            var count = random.Next(Math.Min(3, supplierCount), supplierCount + 1);
            var chosen = Enumerable.Range(0, supplierCount).OrderBy(_ => random.Next()).Take(count).Order().ToList();
            var candidates = new List<Candidate>();
            foreach (var s in chosen)
            {
                var cost = baseCost * random.Next(80, 121) / 100;
                var sell = baseCost * random.Next(130, 191) / 100;
                var pool = $"S{s}/store{(l + s) % 2}/P{l % poolSpan}";
                if (!stock.ContainsKey(pool)) stock[pool] = random.Next(qty, qty + 4);
                candidates.Add(new Candidate($"L{l}-S{s}", $"S{s}", pool, cost, sell,
                    UnitCore: random.Next(5) == 0 ? 1500 : 0,
                    DeliveryFee: random.Next(6) == 0 ? 800 : 0,
                    EtaMinutes: random.Next(1, 49) * 60));
            }
            lines.Add(new PartLine($"L{l}", qty, candidates,
                Optional: random.Next(7) == 0,
                LatestArrivalMinutes: random.Next(5) == 0 ? 36 * 60 : null));
        }
        long? ceiling = null;
        if (withCeiling)
        {
            ceiling = lines.Sum(line => line.Quantity * (long)line.Candidates.Average(c => c.UnitSell + c.UnitCore));
        }
        return new SourcingProblem(lines, suppliers, stock, ceiling, etaPenaltyPerHour);
    }
}
