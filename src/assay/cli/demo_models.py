"""``--demo`` runs a demonstration on built-in models only.

A demonstration is judged on whether it shows the bug it plants: it exits 0 when it finds
it and 1 when it does not (``cli.verdict.demo_exit``), and its JUnit file passes the same
way.  Given the user's own model, ``--demo`` turned that round on a model under test: a
trojaned model whose trigger was found exited 0 with a green JUnit file, and a clean one
exited 1.  So ``--demo`` takes no model of the user's: it is refused, saying to drop it.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.errors import UsageError

__all__ = ["check_demo_models"]


def check_demo_models(models: Sequence[str], built_in: Sequence[str]) -> None:
    """Refuse ``--demo`` with a model that is not one of ``built_in`` (the technique's
    demonstration models): a run of the user's model is judged as a model under test."""
    theirs = [m for m in models if m not in built_in]
    if not theirs:
        return
    named = ", ".join(theirs)
    what = "is not built in" if len(theirs) == 1 else "are not built in"
    raise UsageError(
        f"--demo runs a demonstration on built-in models ({', '.join(built_in)}), which "
        f"passes when it finds the bug it plants; {named} {what}, and a test of a model "
        f"fails when a bug is found: drop --demo to test {named}",
        argument="--demo",
    )
