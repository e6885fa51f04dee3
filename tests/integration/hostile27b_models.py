"""hostile27b: the small models its tests run (a table discriminating on sex, two text
classifiers that disagree on negations)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def people(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "sex": rng.choice(["F", "M"], n),
            "hours": rng.integers(1, 80, n),
        }
    )


def by_sex(rows: Any) -> np.ndarray:
    """Discriminates: men over 50 are favoured."""
    x = pd.DataFrame(rows, columns=["age", "sex", "hours"])
    men = x["sex"].to_numpy() == "M"
    return ((x["hours"].to_numpy(float) > 40) | (men & (x["age"].to_numpy(float) > 50))).astype(int)


def fair(rows: Any) -> np.ndarray:
    """Reads no protected attribute: nothing to find."""
    x = pd.DataFrame(rows, columns=["age", "sex", "hours"])
    return (x["hours"].to_numpy(float) > 40).astype(int)


def negation_blind(batch: list[str]) -> list[str]:
    return ["pos" if "good" in s or "great" in s else "neg" for s in batch]


def negation_aware(batch: list[str]) -> list[str]:
    return ["pos" if ("good" in s or "great" in s) and "not" not in s else "neg" for s in batch]
