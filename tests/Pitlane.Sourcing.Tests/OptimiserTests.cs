using Pitlane.Sourcing;

namespace Pitlane.Sourcing.Tests;

public sealed class OptimiserTests(ITestOutputHelper output)
{
    [Fact]
    public void Given_small_random_instances_Then_exact_equals_brute_force_optimum()
    {
        var checkedFeasible = 0;
        for (var seed = 1; seed <= 250; seed++)
        {
            var random = new Random(seed);
            var problem = SampleProblems.Generate(seed, lineCount: random.Next(2, 7), supplierCount: random.Next(2, 4),
                withCeiling: random.Next(2) == 0, etaPenaltyPerHour: random.Next(3) == 0 ? 50 : 0);
            if (random.Next(3) == 0 && problem.CustomerPriceCeiling is { } c)
                problem = problem with { CustomerPriceCeiling = c * random.Next(60, 100) / 100 };

            var brute = BruteForce(problem);
            var exact = new ExactSolver().Solve(problem);
            if (brute is null)
            {
                Assert.Equal(SolutionStatus.Infeasible, exact.Status);
                continue;
            }
            checkedFeasible++;
            Assert.Equal(SolutionStatus.Optimal, exact.Status);
            Assert.True(exact.Evaluation.Feasible, exact.Evaluation.Violation);
            Assert.Equal(brute.Objective, exact.Evaluation.Objective);
            if (problem.EtaPenaltyPerHour == 0) Assert.Equal(brute.GrossProfit, exact.Evaluation.GrossProfit);

            var greedy = new GreedySolver().Solve(problem);
            if (greedy.Status != SolutionStatus.Infeasible) Assert.True(greedy.Evaluation.Objective <= exact.Evaluation.Objective);
        }
        output.WriteLine($"{checkedFeasible} feasible instances matched brute force");
        Assert.True(checkedFeasible > 150);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Given_40_lines_6_suppliers_Then_exact_beats_greedy(bool withCeiling)
    {
        var problem = SampleProblems.Generate(seed: 40, lineCount: 40, supplierCount: 6, withCeiling);
        Assert.Contains(problem.Suppliers, s => s.OrderMinimum > 0);
        Assert.Contains(problem.Suppliers, s => s.FreeShippingThreshold is not null);

        var greedy = new GreedySolver().Solve(problem);
        var exact = new ExactSolver().Solve(problem);
        var warm = Enumerable.Range(0, 5).Select(_ => new ExactSolver().Solve(problem).Elapsed.TotalMilliseconds).Order().ToList();
        output.WriteLine($"exact, warm runs (ms): {string.Join(", ", warm.Select(w => w.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");

        output.WriteLine($"greedy: {greedy.Status} GP {greedy.Evaluation.GrossProfit} (shipping {greedy.Evaluation.ShippingFees}) in {greedy.Elapsed.TotalMilliseconds:F2} ms");
        output.WriteLine($"exact:  {exact.Status} GP {exact.Evaluation.GrossProfit} (shipping {exact.Evaluation.ShippingFees}) in {exact.Elapsed.TotalMilliseconds:F2} ms");
        Console.WriteLine($"40x6 fixture (ceiling {withCeiling}): greedy GP {greedy.Evaluation.GrossProfit}, exact GP {exact.Evaluation.GrossProfit}");
        Assert.Equal(SolutionStatus.Optimal, exact.Status);
        Assert.Equal(SolutionStatus.Feasible, greedy.Status);
        Assert.True(exact.Evaluation.GrossProfit > greedy.Evaluation.GrossProfit);
    }

    [Fact]
    public void Given_free_shipping_threshold_Then_exact_consolidates_and_explains_it()
    {
        // Two lines; supplier A is cheaper on each line alone, but B reaches free shipping when it gets both.
        var problem = new SourcingProblem(
            [
                new PartLine("pads", 1, [new Candidate("pads-A", "A", "A/pads", 4000, 7000, 0, 0, 60), new Candidate("pads-B", "B", "B/pads", 4200, 7000, 0, 0, 60)]),
                new PartLine("rotor", 1, [new Candidate("rotor-A", "A", "A/rotor", 5500, 9000, 0, 0, 60), new Candidate("rotor-B", "B", "B/rotor", 5800, 9000, 0, 0, 60)]),
            ],
            [new SupplierTerms("A", 1500, null), new SupplierTerms("B", 1500, 10000)],
            new Dictionary<string, int>());
        var exact = new ExactSolver().Solve(problem);
        var greedy = new GreedySolver().Solve(problem);
        Assert.Equal([1, 1], exact.Choice);
        Assert.Equal([0, 0], greedy.Choice);
        Assert.Equal(7000 + 9000 - 4200 - 5800, exact.Evaluation.GrossProfit);
        Assert.Equal(7000 + 9000 - 4000 - 5500 - 1500, greedy.Evaluation.GrossProfit);

        var why = Explainer.Explain(problem, exact);
        Assert.StartsWith("wins on the whole order", why[0].Reason, StringComparison.Ordinal);
        Assert.Equal(4000, why[0].RunnerUpLineCost);
    }

    [Fact]
    public void Given_stock_shared_by_two_lines_Then_pool_is_not_overdrawn()
    {
        var problem = new SourcingProblem(
            [
                new PartLine("left", 2, [new Candidate("l-A", "A", "A/s1/P", 1000, 3000, 0, 0, 60), new Candidate("l-B", "B", "B/s1/P", 1400, 3000, 0, 0, 60)]),
                new PartLine("right", 2, [new Candidate("r-A", "A", "A/s1/P", 1000, 3000, 0, 0, 60), new Candidate("r-B", "B", "B/s1/P", 1400, 3000, 0, 0, 60)]),
            ],
            [new SupplierTerms("A", 0, null), new SupplierTerms("B", 0, null)],
            new Dictionary<string, int> { ["A/s1/P"] = 3 });
        var exact = new ExactSolver().Solve(problem);
        Assert.Equal(SolutionStatus.Optimal, exact.Status);
        Assert.Single(exact.Choice, c => c == 0);
    }

    [Fact]
    public void Given_required_line_with_no_timely_offer_Then_infeasible_with_reason()
    {
        var problem = new SourcingProblem(
            [new PartLine("pads", 1, [new Candidate("pads-A", "A", "A/pads", 4000, 7000, 0, 0, 600)], LatestArrivalMinutes: 120)],
            [new SupplierTerms("A", 0, null)], new Dictionary<string, int>());
        var exact = new ExactSolver().Solve(problem);
        Assert.Equal(SolutionStatus.Infeasible, exact.Status);
        Assert.Contains("pads", exact.Reason, StringComparison.Ordinal);
    }

    private static Evaluation? BruteForce(SourcingProblem problem)
    {
        Evaluation? best = null;
        var choice = new int?[problem.Lines.Count];
        void Walk(int l)
        {
            if (l == problem.Lines.Count)
            {
                var eval = Evaluator.Evaluate(problem, choice);
                if (eval.Feasible && (best is null || eval.Objective > best.Objective)) best = eval;
                return;
            }
            var line = problem.Lines[l];
            if (line.Optional)
            {
                choice[l] = null;
                Walk(l + 1);
            }
            for (var c = 0; c < line.Candidates.Count; c++)
            {
                choice[l] = c;
                Walk(l + 1);
            }
            choice[l] = null;
        }
        Walk(0);
        return best;
    }
}
