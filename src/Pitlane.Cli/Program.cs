using System.CommandLine;

var root = new RootCommand("Pitlane command-line tool: diagnostics, simulators and operations.");
// Each command group lives in its own file and adds itself here.
root.Subcommands.Add(Pitlane.Cli.SimCommand.Create());
root.Subcommands.Add(Pitlane.Cli.ObdCommands.Create());
root.Subcommands.Add(Pitlane.Cli.MigrateCommand.Create());
root.Subcommands.Add(Pitlane.Cli.ProvenanceCommand.Create());
root.Subcommands.Add(Pitlane.Cli.AgentCommand.Create());
root.Subcommands.Add(Pitlane.Cli.WorkerCommand.Create());
root.Subcommands.Add(Pitlane.Cli.Mcp.McpCommand.Create());

return await root.Parse(args).InvokeAsync();
