namespace Pitlane.Sourcing;

/// <summary>Why a line got its offer, and what the best alternative would have done.</summary>
/// <param name="RunnerUp">Index of the best other candidate (or "leave out") that keeps every constraint when swapped in alone; null if none does.</param>
/// <param name="RunnerUpLineCost">What the runner-up would have cost the shop for this line (cost · qty + delivery fee).</param>
/// <param name="RunnerUpProfitDelta">How much the whole quote's objective drops if the runner-up is swapped in (shipping and penalties included).</param>
public sealed record LineExplanation(
    string LineId,
    int? Chosen,
    string Reason,
    int? RunnerUp,
    bool RunnerUpIsLeaveOut,
    long? RunnerUpLineCost,
    long? RunnerUpProfitDelta);

/// <summary>
/// Explains a solution line by line by trying every single swap against it (the rest fixed) through the
/// <see cref="Evaluator"/>: the best allowed swap is the runner-up, and comparing the line's own profit and ETA
/// with the runner-up's says whether the choice won on the line's margin, on arrival, or on the order as a whole
/// (a supplier's free-shipping threshold or order minimum).
/// </summary>
public static class Explainer
{
    public static IReadOnlyList<LineExplanation> Explain(SourcingProblem problem, Solution solution)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(solution);
        var result = new List<LineExplanation>(problem.Lines.Count);
        var choice = solution.Choice.ToArray();
        var baseline = solution.Evaluation.Objective;
        for (var l = 0; l < problem.Lines.Count; l++)
        {
            var line = problem.Lines[l];
            var chosen = choice[l];
            int? runner = null;
            var runnerIsNone = false;
            long bestObjective = long.MinValue;
            var options = Enumerable.Range(0, line.Candidates.Count).Select(i => (int?)i).ToList();
            if (line.Optional) options.Add(null);
            foreach (var option in options)
            {
                if (option == chosen) continue;
                choice[l] = option;
                var eval = Evaluator.Evaluate(problem, choice);
                if (eval.Feasible && eval.Objective > bestObjective)
                {
                    bestObjective = eval.Objective;
                    runner = option;
                    runnerIsNone = option is null;
                }
            }
            choice[l] = chosen;

            long? runnerCost = runner is { } r ? line.Candidates[r].UnitCost * line.Quantity + line.Candidates[r].DeliveryFee : runnerIsNone ? 0 : null;
            long? delta = bestObjective == long.MinValue ? null : baseline - bestObjective;
            result.Add(new LineExplanation(line.Id, chosen, Reason(problem, line, chosen, runner, runnerIsNone, delta, options.Count - 1),
                runner, runnerIsNone, runnerCost, delta));
        }
        return result;
    }

    /// <summary>An amount in major units (minor / 100), without a currency symbol: the engine does not know the currency.</summary>
    private static string M(long? minor) => ((minor ?? 0) / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static string Reason(SourcingProblem problem, PartLine line, int? chosen, int? runner, bool runnerIsNone, long? delta, int alternatives)
    {
        if (chosen is not { } c)
        {
            if (line.Candidates.Count == 0) return "left out: no offer passed the filters";
            return runner is null
                ? "left out: no offer fits the constraints (stock, arrival, ceiling, minimums)"
                : $"left out: optional, and taking the best offer would lower the quote's profit by {M(-delta)}";
        }
        var cand = line.Candidates[c];
        if (alternatives == 0) return "only offer";
        if (delta is null) return "only offer that keeps every constraint (stock, arrival, ceiling, order minimums)";
        if (runnerIsNone) return $"adds {M(delta)} of profit; the line is optional";
        var other = line.Candidates[runner!.Value];
        var mine = GreedySolver.LineProfit(line, cand);
        var theirs = GreedySolver.LineProfit(line, other);
        if (mine > theirs) return $"highest profit: {M(mine - theirs)} more on this line than the runner-up";
        if (problem.EtaPenaltyPerHour > 0 && cand.EtaMinutes < other.EtaMinutes && mine >= theirs - (delta ?? 0))
            return $"arrives sooner ({cand.EtaMinutes} vs {other.EtaMinutes} min), worth the {M(theirs - mine)} of margin";
        if (mine == theirs && delta == 0) return "tie with the runner-up on profit";
        return $"wins on the whole order (shipping thresholds, order minimums or stock elsewhere): the quote makes {M(delta)} more than with the runner-up";
    }
}
