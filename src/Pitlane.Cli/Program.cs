using System.CommandLine;

var root = new RootCommand("Pitlane command-line tool: diagnostics, simulators and operations.");
// Each command group lives in its own file and adds itself here.

return await root.Parse(args).InvokeAsync();
