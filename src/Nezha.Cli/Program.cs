return Nezha.Cli.NezhaApp.Run(args, Console.Out, Console.Error);
