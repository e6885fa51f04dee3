"""Seeds.  All randomness flows through generators made here, never through global state."""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np

__all__ = ["fresh_seed", "generator", "generator_state", "set_generator_state", "spawn"]


def fresh_seed() -> int:
    """A new seed for a run that was given none (printed, so the run can be reproduced)."""
    return secrets.randbits(32)


def generator(seed: int, *key: int) -> np.random.Generator:
    """The generator for one unit of work: ``key`` names the unit (e.g. a shard number).

    Units with different keys get independent streams, so work split across processes or
    Dask workers draws the same numbers as the same work done in one process.
    """
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def spawn(seed: int, n: int, *prefix: int) -> list[np.random.Generator]:
    """``n`` independent generators for units ``prefix + (0,)`` ... ``prefix + (n - 1,)``."""
    return [generator(seed, *prefix, i) for i in range(n)]


def generator_state(rng: np.random.Generator) -> dict[str, Any]:
    """The generator's full state as JSON-serialisable data."""
    return dict(rng.bit_generator.state)


def set_generator_state(rng: np.random.Generator, state: dict[str, Any]) -> None:
    rng.bit_generator.state = state
