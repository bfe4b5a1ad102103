using System.Diagnostics;
using Google.OrTools.Sat;

namespace Pitlane.Sourcing;

/// <summary>
/// Exact solver: the problem as a 0-1 program solved by Google OR-Tools CP-SAT.
/// x[l,c] = line l takes candidate c; used[s] = an order goes to supplier s; free[s] = that order reaches the
/// free-shipping threshold. Σc x[l,c] = 1 (≤ 1 when optional); x[l,c] ⇒ used[s(c)];
/// used[s] ⇒ Σ cost·qty·x ≥ minimum(s); free[s] ⇒ used[s] ∧ Σ cost·qty·x ≥ threshold(s);
/// Σ qty·x over a stock pool ≤ stock; Σ (sell + core)·qty·x ≤ ceiling; candidates arriving after the line's
/// latest arrival are not variables at all.
/// maximise Σ ((sell − cost)·qty − delivery − penalty·hours)·x − Σ fee(s)·(used[s] − free[s]).
/// Status OPTIMAL is CP-SAT's proof that no better choice exists; the answer is re-checked by <see cref="Evaluator"/>.
/// </summary>
public sealed class ExactSolver(ExactSolverOptions? options = null)
{
    private readonly ExactSolverOptions _options = options ?? new ExactSolverOptions();

    public Solution Solve(SourcingProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var watch = Stopwatch.StartNew();
        var model = new CpModel();
        var lines = problem.Lines;
        var x = new BoolVar?[lines.Count][];
        var objectiveVars = new List<ILiteral>();
        var objectiveCoefs = new List<long>();
        var supplierVars = new Dictionary<string, List<(BoolVar Var, long Amount)>>(StringComparer.Ordinal);
        var poolVars = new Dictionary<string, List<(BoolVar Var, long Qty)>>(StringComparer.Ordinal);
        var ceilingVars = new List<(BoolVar Var, long Amount)>();

        for (var l = 0; l < lines.Count; l++)
        {
            var line = lines[l];
            x[l] = new BoolVar?[line.Candidates.Count];
            var lineVars = new List<ILiteral>();
            for (var c = 0; c < line.Candidates.Count; c++)
            {
                var cand = line.Candidates[c];
                if (!SourcingProblem.Admissible(line, cand)) continue;
                var v = model.NewBoolVar($"x_{l}_{c}");
                x[l][c] = v;
                lineVars.Add(v);
                objectiveVars.Add(v);
                objectiveCoefs.Add((cand.UnitSell - cand.UnitCost) * line.Quantity - cand.DeliveryFee
                    - problem.EtaPenaltyPerHour * Evaluator.HoursStarted(cand.EtaMinutes));
                Add(supplierVars, cand.SupplierId, (v, cand.UnitCost * line.Quantity));
                Add(poolVars, cand.StockKey, (v, (long)line.Quantity));
                ceilingVars.Add((v, (cand.UnitSell + cand.UnitCore) * line.Quantity));
            }
            if (line.Optional) model.AddAtMostOne(lineVars);
            else if (lineVars.Count == 0)
                return Infeasible(problem, watch, $"line {line.Id} is required and no offer arrives in time");
            else model.AddExactlyOne(lineVars);
        }

        foreach (var (key, vars) in poolVars)
        {
            if (problem.Stock.TryGetValue(key, out var available))
                model.Add(Sum(vars) <= available);
        }
        foreach (var (supplier, vars) in supplierVars)
        {
            var terms = problem.Terms(supplier);
            if (terms is null) continue;
            var used = model.NewBoolVar($"used_{supplier}");
            foreach (var (v, _) in vars) model.AddImplication(v, used);
            var subtotal = Sum(vars);
            if (terms.OrderMinimum > 0) model.Add(subtotal >= terms.OrderMinimum).OnlyEnforceIf(used);
            if (terms.ShippingFee == 0) continue;
            objectiveVars.Add(used);
            objectiveCoefs.Add(-terms.ShippingFee);
            if (terms.FreeShippingThreshold is { } threshold)
            {
                var free = model.NewBoolVar($"free_{supplier}");
                model.AddImplication(free, used);
                model.Add(subtotal >= threshold).OnlyEnforceIf(free);
                objectiveVars.Add(free);
                objectiveCoefs.Add(terms.ShippingFee);
            }
        }
        if (problem.CustomerPriceCeiling is { } ceiling) model.Add(Sum(ceilingVars) <= ceiling);

        model.Maximize(LinearExpr.WeightedSum(objectiveVars, objectiveCoefs));

        var hint = new GreedySolver().Solve(problem);
        if (hint.Status != SolutionStatus.Infeasible)
        {
            for (var l = 0; l < lines.Count; l++)
            {
                for (var c = 0; c < x[l].Length; c++)
                {
                    if (x[l][c] is { } v) model.AddHint(v, hint.Choice[l] == c);
                }
            }
        }

        var solver = new CpSolver
        {
            StringParameters = FormattableString.Invariant(
                $"max_time_in_seconds:{_options.TimeLimit.TotalSeconds} num_workers:{_options.Workers} random_seed:1"),
        };
        var status = solver.Solve(model);
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
            return Infeasible(problem, watch, status == CpSolverStatus.Infeasible
                ? "no choice of offers meets every constraint (stock, order minimums, customer ceiling, arrival)"
                : $"solver stopped without an answer ({status})");

        var choice = new int?[lines.Count];
        for (var l = 0; l < lines.Count; l++)
        {
            for (var c = 0; c < x[l].Length; c++)
            {
                if (x[l][c] is { } v && solver.BooleanValue(v)) choice[l] = c;
            }
        }
        var evaluation = Evaluator.Evaluate(problem, choice);
        if (!evaluation.Feasible || evaluation.Objective != (long)Math.Round(solver.ObjectiveValue))
            throw new InvalidOperationException(
                $"CP-SAT answer disagrees with the evaluator: {evaluation.Violation}, {evaluation.Objective} vs {solver.ObjectiveValue}");
        return new Solution("exact (CP-SAT)",
            status == CpSolverStatus.Optimal ? SolutionStatus.Optimal : SolutionStatus.Feasible,
            choice, evaluation, watch.Elapsed);
    }

    private static Solution Infeasible(SourcingProblem problem, Stopwatch watch, string reason)
    {
        var none = new int?[problem.Lines.Count];
        return new Solution("exact (CP-SAT)", SolutionStatus.Infeasible, none, Evaluator.Evaluate(problem, none), watch.Elapsed, reason);
    }

    private static LinearExpr Sum(List<(BoolVar Var, long Amount)> terms) =>
        LinearExpr.WeightedSum(terms.Select(t => t.Var), terms.Select(t => t.Amount));

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T item)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(item);
    }
}

public sealed record ExactSolverOptions
{
    /// <summary>A stop for pathological inputs; an answer found by then is returned as Feasible, not Optimal.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>CP-SAT search workers; one is fastest on small problems and on a shared machine.</summary>
    public int Workers { get; init; } = 1;
}
