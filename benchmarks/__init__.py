"""Benchmarks and the independent pandas baseline of the indicators (indicators-v1).

The baseline is written from the spec alone, without reading ``tilannekuva.indicators``; the
differential tests compare it with the Ibis engine row by row, and the benchmark script compares
their speed.
"""
