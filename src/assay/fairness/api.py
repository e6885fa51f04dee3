"""The fairness technique's shell: build a fairness test from models, data and schemas, run it.

```python
import assay
result = assay.check_fairness(model, data="people.csv", protected=["sex"], max_queries=50_000)
print(result.headline)
```
Everything the CLI does goes through here, so the two never disagree.  This module (like every
technique's ``api.py``) may import ``models``, ``datasets`` and ``execution`` to build what the
technique needs; the rest of the package imports ``core`` only.

This module is the public entry; the shell's jobs live in their own modules, one job each:

- ``fairness.loading``: ``setup_fairness`` and ``setup_from_record`` (the model, data and
  schema loaded and checked against each other);
- ``fairness.check``: ``check_fairness`` (a new run, phase by phase);
- ``fairness.phases``: the phases both a new and a resumed run go through (search, answer,
  determinism checks, wall-clock rates) and the share of ``--max-time`` each may take;
- ``fairness.resume``: ``resume_fairness``;
- ``fairness.warmup``: ``build_exact_kernel``;

and, importing ``core`` only like the rest of the technique, ``fairness.setup``
(``FairnessSetup``) and ``fairness.result`` (``FairnessResult``).
"""

from __future__ import annotations

from assay.fairness.check import DEFAULT_MAX_QUERIES, check_fairness
from assay.fairness.loading import setup_fairness, setup_from_record
from assay.fairness.phases import ANSWER_SHARE, FINISH_MIN, FINISH_SHARE
from assay.fairness.result import FairnessResult
from assay.fairness.resume import resume_fairness
from assay.fairness.setup import FairnessSetup
from assay.fairness.warmup import build_exact_kernel

__all__ = [
    "ANSWER_SHARE",
    "DEFAULT_MAX_QUERIES",
    "FINISH_MIN",
    "FINISH_SHARE",
    "FairnessResult",
    "FairnessSetup",
    "build_exact_kernel",
    "check_fairness",
    "resume_fairness",
    "setup_fairness",
    "setup_from_record",
]
