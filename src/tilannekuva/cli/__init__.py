"""The command line (Typer + Rich): ``main`` registers one ``<name>_cmd`` module per command."""
