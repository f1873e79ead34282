"""`python -m threadline` runs the command line."""

from threadline.cli import main

main()
