"""The synthetic county: a deterministic, Kainuu-like extract v1 for demos, tests and benchmarks."""

from tilannekuva.synth.generate import (
    CHUNK_PERSONS,
    DEFAULT_PERSONS,
    SynthSummary,
    generate_extract,
)

__all__ = ["CHUNK_PERSONS", "DEFAULT_PERSONS", "SynthSummary", "generate_extract"]
