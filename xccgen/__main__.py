"""`python -m xccgen`: the same as the `xccgen` command."""

from xccgen.cli import main

main()
