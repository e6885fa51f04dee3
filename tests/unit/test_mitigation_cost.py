"""Retraining keeps rounds for the share alone; when the fairer model pays in held-out
accuracy (beyond what refitting alone costs), the text says so loudly (a user read "fell from
29 % to 0.6 %" and shipped a model 12 points less accurate)."""

from __future__ import annotations

from assay.fairness.estimate import Estimate
from assay.fairness.mitigate import Measurement, MitigationReport


def _m(share: float, accuracy: float) -> Measurement:
    est = Estimate("data", int(share * 1000), 1000, share, share - 0.01, share + 0.01, 0.95, 2000)
    return Measurement(est, accuracy)


def _report(after_accuracy: float, control_accuracy: float) -> MitigationReport:
    return MitigationReport(
        before=_m(0.29, 0.8175),
        after=_m(0.006, after_accuracy),
        control=_m(0.27, control_accuracy),
        rounds=({"kept": True, "added_rows": 100},),
        policy="majority",
        estimator=None,
    )


def test_a_retrained_model_that_pays_in_accuracy_is_said_loudly() -> None:
    text = _report(0.695, 0.8033).section()["text"]
    assert "NOTE: the retrained model is 12.3 points less accurate" in text
    # the like-for-like cost: the control was refitted on the same rows as the retrained
    # model, while the original may have been fitted on the held-out rows too
    assert "10.8 points less than the refit-only control" in text


def test_no_note_when_accuracy_holds_or_refitting_alone_costs_as_much() -> None:
    assert "NOTE" not in _report(0.81, 0.81).section()["text"]
    assert "NOTE" not in _report(0.70, 0.71).section()["text"]
