using BenchmarkDotNet.Attributes;
using Pitlane.Sourcing;

namespace Pitlane.Benchmarks;

/// <summary>
/// The sourcing optimiser on the 40 lines × 6 suppliers fixture (free-shipping thresholds, order minimums,
/// shared stock pools, optional lines, latest arrivals): the exact CP-SAT solver against the greedy
/// cheapest-per-line baseline in the same run, plus the same fixture with a binding customer price ceiling.
/// The gross profit each reaches is printed once in GlobalSetup (BenchmarkDotNet measures time only).
/// </summary>
[MemoryDiagnoser]
public class SourcingBenchmarks
{
    private SourcingProblem _fixture = null!;
    private SourcingProblem _withCeiling = null!;
    private readonly ExactSolver _exact = new();
    private readonly GreedySolver _greedy = new();

    [GlobalSetup]
    public void Setup()
    {
        _fixture = SampleProblems.Generate(seed: 40, lineCount: 40, supplierCount: 6, withCeiling: false);
        _withCeiling = SampleProblems.Generate(seed: 40, lineCount: 40, supplierCount: 6, withCeiling: true);
        foreach (var (name, p) in new[] { ("fixture", _fixture), ("with ceiling", _withCeiling) })
        {
            var e = _exact.Solve(p);
            var g = _greedy.Solve(p);
            Console.WriteLine($"// 40x6 {name}: exact {e.Status} GP {e.Evaluation.GrossProfit}; greedy {g.Status} GP {g.Evaluation.GrossProfit}");
        }
    }

    [Benchmark(Baseline = true)]
    public Solution Greedy_40x6() => _greedy.Solve(_fixture);

    [Benchmark]
    public Solution Exact_40x6() => _exact.Solve(_fixture);

    [Benchmark]
    public Solution Greedy_40x6_ceiling() => _greedy.Solve(_withCeiling);

    [Benchmark]
    public Solution Exact_40x6_ceiling() => _exact.Solve(_withCeiling);
}
