"""`python -m reportkit` runs the command-line interface."""

from reportkit.cli import main

main()
