"""The command line: Typer only. Nothing outside this package imports it.

`root.py` holds the Typer app and the options commands share; each other module adds the
commands of one area; `main.py` registers them all and runs the command named.
"""
