using System.Diagnostics;

namespace Pitlane.Sourcing;

/// <summary>
/// The baseline a parts counter uses by hand: each line takes its cheapest offer (unit cost · qty + delivery fee)
/// that arrives in time and still has stock, lines in order; optional lines only when they make money. Then it
/// repairs what it broke: a supplier whose order is below its minimum loses its lines to their next cheapest
/// offer elsewhere, and optional lines are dropped, least profitable first, while the customer's ceiling is
/// exceeded. It never looks at shipping thresholds, which is where the exact solver earns its keep.
/// </summary>
public sealed class GreedySolver
{
    public Solution Solve(SourcingProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var watch = Stopwatch.StartNew();
        var lines = problem.Lines;
        var banned = new HashSet<string>(StringComparer.Ordinal);
        int?[] choice = [];
        for (var round = 0; round <= problem.Suppliers.Count; round++)
        {
            choice = Pick(problem, banned);
            var eval = Evaluator.Evaluate(problem, choice);
            var below = eval.SupplierSubtotals
                .Where(s => problem.Terms(s.Key) is { } t && s.Value < t.OrderMinimum)
                .Select(s => s.Key).ToList();
            if (below.Count == 0) break;
            banned.UnionWith(below);
        }

        var evaluation = Evaluator.Evaluate(problem, choice);
        if (problem.CustomerPriceCeiling is { } ceiling)
        {
            var optional = Enumerable.Range(0, lines.Count)
                .Where(i => lines[i].Optional && choice[i] is not null)
                .OrderBy(i => LineProfit(lines[i], lines[i].Candidates[choice[i]!.Value]))
                .ToList();
            foreach (var i in optional)
            {
                if (evaluation.PartsSell + evaluation.CoreTotal <= ceiling) break;
                choice[i] = null;
                evaluation = Evaluator.Evaluate(problem, choice);
            }
        }
        return new Solution("greedy (cheapest per line)",
            evaluation.Feasible ? SolutionStatus.Feasible : SolutionStatus.Infeasible,
            choice, evaluation, watch.Elapsed, evaluation.Violation);
    }

    private static int?[] Pick(SourcingProblem problem, HashSet<string> bannedSuppliers)
    {
        var left = new Dictionary<string, int>(problem.Stock, StringComparer.Ordinal);
        var choice = new int?[problem.Lines.Count];
        for (var i = 0; i < problem.Lines.Count; i++)
        {
            var line = problem.Lines[i];
            int? best = null;
            long bestCost = long.MaxValue;
            for (var c = 0; c < line.Candidates.Count; c++)
            {
                var cand = line.Candidates[c];
                if (!SourcingProblem.Admissible(line, cand) || bannedSuppliers.Contains(cand.SupplierId)) continue;
                if (left.TryGetValue(cand.StockKey, out var stock) && stock < line.Quantity) continue;
                if (line.Optional && LineProfit(line, cand) <= 0) continue;
                var landed = cand.UnitCost * line.Quantity + cand.DeliveryFee;
                if (landed < bestCost || (landed == bestCost && cand.UnitSell > line.Candidates[best!.Value].UnitSell))
                {
                    best = c;
                    bestCost = landed;
                }
            }
            choice[i] = best;
            if (best is { } b && left.TryGetValue(line.Candidates[b].StockKey, out var s)) left[line.Candidates[b].StockKey] = s - line.Quantity;
        }
        return choice;
    }

    internal static long LineProfit(PartLine line, Candidate c) => (c.UnitSell - c.UnitCost) * line.Quantity - c.DeliveryFee;
}
