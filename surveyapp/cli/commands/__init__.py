"""The larger commands, one module each; cli.main registers them."""
