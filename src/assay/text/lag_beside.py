"""A lag asked beside lanes: said, not kept silently.

The engine lags a step only with one lane (``Engine._step``): ``ASSAY_TEXT_LAG`` (or
``rounds``) beside two lanes or more of a walk changes nothing, the findings are the lanes'
alone (perf49).  It was kept in the run's config and its rerun command with no word, read as
a setting that shaped the run.  The run now says so as it starts (a warning), keeps the words
in its config (``lag_unused``), and its summary's notes repeat them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["KEY", "lag_unused"]

KEY = "lag_unused"  # the run's config entry: the words, when the lag had no effect


def lag_unused(config: Mapping[str, Any], given: Mapping[str, Any] | None = None) -> str | None:
    """The words on a lag (``config``'s ``rounds``) that has no effect beside its lanes
    (``lanes`` > 1, a strategy run in lanes); None otherwise.  ``given``: the keywords of a
    Python call (``rounds``, ``lanes``), named as given; else the variables' and keywords'
    names both."""
    from assay.text.lag import LAG_ENV
    from assay.text.pipeline import LANES_ENV
    from assay.text.technique import LANED

    rounds, lanes = config.get("rounds"), config.get("lanes")
    if not isinstance(rounds, int) or not isinstance(lanes, int) or rounds < 2 or lanes < 2:
        return None
    if config.get("strategy") not in LANED:  # (one walk: it lags)
        return None
    lag, laned = f"{LAG_ENV}={rounds}", f"{LANES_ENV}={lanes}"
    if given is None:
        lag, laned = f"{lag} (rounds={rounds})", f"{laned} (lanes={lanes})"
    else:
        lag = f"rounds={rounds}" if given.get("rounds") is not None else lag
        laned = f"lanes={lanes}" if given.get("lanes") is not None else laned
    return (
        f"{lag} has no effect beside {laned}: the lanes' rounds are not lagged, so this run "
        "finds what the lanes alone find (the lag is kept in its rerun as given; it lags a "
        "walk of one lane)"
    )
