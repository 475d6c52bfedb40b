"""The JSON API (``/api/v1``), one module per resource; each defines ``router``.

It returns the same numbers as ``tilannekuva indicators`` for the same load (output-v1:
"identical numbers" from Python, the CLI and HTTP).
"""
