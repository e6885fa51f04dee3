"""The Dataset record, the table of built-in datasets, and loading by name."""

from __future__ import annotations

import difflib
import functools
import importlib
import importlib.resources
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import IO

import numpy as np
import pandas as pd

from assay.core.rng import generator
from assay.errors import UsageError
from assay.fairness.schema import Schema
from assay.fairness.tabular_io import check_data

__all__ = ["DATASETS", "Dataset", "list_datasets", "load_dataset", "open_data_file"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A labelled tabular dataset and the schema of its input space.

    ``frame`` holds the features in the order a model takes them; ``target`` the 0/1 labels
    (``label_names[1]`` is label 1); ``schema.protected`` is ``default_protected``.
    """

    name: str
    frame: pd.DataFrame
    target: np.ndarray
    schema: Schema
    label_names: tuple[str, str]
    description: str
    source: str
    licence: str
    default_protected: tuple[str, ...]

    @cached_property
    def X(self) -> np.ndarray:
        """The features encoded against the schema (float64; category -> category index)."""
        return check_data(self.schema, self.frame, source=f"dataset {self.name!r}")

    def __len__(self) -> int:
        return len(self.frame)

    def split(self, test_size: float = 0.3, seed: int = 0) -> tuple[Dataset, Dataset]:
        """A deterministic stratified split into (train, test); rows keep their order."""
        if not 0.0 < float(test_size) < 1.0:
            raise UsageError(
                f"test_size must be between 0 and 1 (exclusive), not {test_size!r}",
                argument="test_size",
            )
        rng = generator(seed)
        is_test = np.zeros(len(self.target), dtype=bool)
        for label in np.unique(self.target):
            rows = np.flatnonzero(self.target == label)
            n_test = round(float(test_size) * len(rows))
            is_test[rng.permutation(rows)[:n_test]] = True
        return self._subset(~is_test), self._subset(is_test)

    def _subset(self, mask: np.ndarray) -> Dataset:
        frame = self.frame.loc[mask].reset_index(drop=True)
        return replace(self, frame=frame, target=self.target[mask].copy())


# name -> (module, one-line summary); modules are imported only when their dataset is loaded
_TABLE: dict[str, tuple[str, str]] = {
    "adult": (
        "assay.datasets.adult",
        "UCI Adult census income, 13 integer-coded features as in the fairness-testing "
        "literature (Aequitas, ADF, ...); 45,222 rows; protected: sex",
    ),
    "adult-raw": (
        "assay.datasets.adult",
        "UCI Adult census income, the 14 original columns with string categories; 45,222 rows; "
        "protected: sex",
    ),
    "compas": (
        "assay.datasets.compas",
        "ProPublica COMPAS two-year recidivism, ProPublica's filtering; 6,172 rows; "
        "protected: race",
    ),
    "german": (
        "assay.datasets.german",
        "UCI Statlog German credit, 20 attributes (sex derived from personal status); "
        "1,000 rows; protected: sex",
    ),
}

DATASETS: tuple[str, ...] = tuple(sorted(_TABLE))


def list_datasets() -> dict[str, str]:
    """Built-in dataset names and a one-line summary of each (no data is read)."""
    return {name: _TABLE[name][1] for name in DATASETS}


def load_dataset(name: str) -> Dataset:
    """A built-in dataset by name (see ``DATASETS``).

    Parsed once per process; each call returns its own copy of the frame and labels.
    """
    ds = _load_cached(_check_name(name))
    return replace(ds, frame=ds.frame.copy(), target=ds.target.copy())


def _check_name(name: str) -> str:
    if name in _TABLE:
        return name
    close = difflib.get_close_matches(str(name), DATASETS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise UsageError(
        f"unknown dataset {name!r}{hint}; built-in datasets are: {', '.join(DATASETS)}",
        argument="--dataset",
    )


@functools.cache
def _load_cached(name: str) -> Dataset:
    module = importlib.import_module(_TABLE[name][0])
    loader: Callable[[str], Dataset] = module.load
    return loader(name)


def open_data_file(filename: str) -> IO[bytes]:
    """A data file shipped inside the package (``assay/datasets/data``), opened for reading."""
    resource = importlib.resources.files("assay.datasets").joinpath("data", filename)
    return resource.open("rb")


def read_data_text(filename: str) -> str:
    """A shipped text file's content."""
    with open_data_file(filename) as fh:
        return fh.read().decode("utf-8")
