using CloudWg.EdgeAgent.Cli;

return await AgentCli.Create(Console.Out, Console.Error).Parse(args).InvokeAsync().ConfigureAwait(false);
