"""One module per `xccgen` subcommand (or small family of subcommands)."""
