"""``python -m tilannekuva``: the same command line as the ``tilannekuva`` script."""

from tilannekuva.cli.main import app

app(prog_name="tilannekuva")
