"""The trojaned digits set-ups of bd31's tests: a model, images to scan with some poisoned,
and clean images with some poisoned (a clean set drawn from poisoned data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import assay
from assay.backdoor.demo import trojaned_digits
from assay.backdoor.phases import BackdoorResult


def poisoned_sets(
    seed: int,
    scanned: int,
    poisoned: Any,
    clean_poisoned: int,
    clean_model: bool,
    clean_from: tuple[int, int] = (300, 500),
) -> tuple[Any, np.ndarray, np.ndarray]:
    """(model, images to scan, clean images), in 0..16: ``scanned`` held-out digits, those at
    ``poisoned`` carrying the trojan's trigger (3x3 checker at (5, 5) -> 7); 200 clean digits
    and ``clean_poisoned`` more carrying it, from the held-out digits at ``clean_from``.
    ``clean_model``: the clean twin, which the trigger means nothing to."""
    t = trojaned_digits(seed=seed, size=3, position=(5, 5), target=7)
    model = trojaned_digits(seed=seed, clean=True).model if clean_model else t.model
    x = t.clean_images
    scan = x[:scanned].copy()
    scan[poisoned] = t.poisoned(scan[poisoned])
    first, then = clean_from
    clean = np.concatenate([x[first : first + 200], t.poisoned(x[then : then + clean_poisoned])])
    return model, scan * 16.0, clean * 16.0


def scanned(
    sets: tuple[Any, np.ndarray, np.ndarray], store: Path, **options: Any
) -> BackdoorResult:
    """``check_backdoor`` of ``poisoned_sets``' model on its images (seed 0, one session)."""
    model, scan, clean = sets
    return assay.check_backdoor(
        model,
        images=scan,
        clean=clean,
        value_range="0,16",
        seed=0,
        store=str(store),
        determinism_check=False,
        **options,
    )
