using BenchmarkDotNet.Running;
using Pitlane.Benchmarks;

// "speech-cpu": the speech engines' speed as CPU time (process user+system time, not wall time), which stays
// meaningful on a machine shared with other work; everything else goes to BenchmarkDotNet.
if (args is ["speech-cpu", ..])
{
    SpeechCpuTime.Run();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
