"""Subcommands of the `mapapp` command line, one module each, each with `add_parser(subparsers)`."""
