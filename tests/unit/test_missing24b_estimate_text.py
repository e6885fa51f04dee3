"""missing24b: the ``--estimate`` line over the input space says that a column's "missing"
is drawn as one more of its values (``--missing value``), as the answer's share line does;
over the data rows it says nothing of the kind (the rows are as given)."""

from __future__ import annotations

import numpy as np

from assay.core.model import Capabilities
from assay.fairness.estimate import Estimate, estimate_share
from assay.fairness.schema import Feature, Schema

SCHEMA = Schema(
    (
        Feature("income", "integer", 0, 9, missing=True),
        Feature("job", "categorical", categories=("a", "b"), missing=True),
        Feature("sex", "integer", 0, 1),
    ),
    protected=("sex",),
)


class _Missing:
    """Class 1 where income is missing and sex is 1 (encoded rows)."""

    capabilities = Capabilities(modality="tabular", n_classes=2, outputs="labels")

    def predict(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.float64)
        return ((rows[:, 0] == 10) & (rows[:, 2] == 1)).astype(np.int64)


def test_the_uniform_estimate_says_missing_is_drawn_as_one_more_value() -> None:
    est = estimate_share(SCHEMA, _Missing(), np.random.default_rng(0), precision=0.02)
    said = est.describe()
    assert "uniform over the schema's input space, with income, job missing as one more value" in (
        said
    ), said
    assert 0.04 < est.share < 0.15  # income missing in one draw of eleven
    again = Estimate.from_json(est.to_json())
    assert again.describe() == said


def test_the_data_estimate_and_a_run_without_missing_values_say_nothing_of_it() -> None:
    rows = SCHEMA.sample_uniform(np.random.default_rng(1), 50)
    est = estimate_share(
        SCHEMA, _Missing(), np.random.default_rng(0), distribution="data", data=rows
    )
    assert "missing" not in est.describe()
    plain = Schema(
        tuple(Feature(f.name, f.kind, f.low, f.high, f.categories) for f in SCHEMA.features),
        protected=("sex",),
    )
    est = estimate_share(plain, _Missing(), np.random.default_rng(0), precision=0.05)
    assert "missing" not in est.describe() and "missing" not in est.to_json()


def test_the_retraining_comparison_says_it_too() -> None:
    """``--retrain``'s before/after text names the distribution in its own words
    (``Estimate.where``): the missing values' draw is said there too."""
    est = Estimate.of("uniform", 3, 100, missing=("income",))
    assert est.where({"uniform": "uniform over the schema's input space"}).endswith(
        "with income missing as one more value"
    )
