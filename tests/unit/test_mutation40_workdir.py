"""mutation40: ``core.workdir``'s folders step by step, with no model: a nested holder, a
hold that ended, the model's folder kept between its calls, nested calls.

hostile39's, api39's and left39's tests ran whole runs of models that chdir (at import, in
each call): a nested holder taking the folder it found as the command's, a hold whose folder
outlived it, nested calls putting the command's folder back mid-call, or a call's depth never
restored were not all seen by them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assay.core.workdir import held, model_call, take_back


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    made = {}
    for name in ("command", "model", "other"):
        (tmp_path / name).mkdir()
        made[name] = os.path.realpath(tmp_path / name)
    monkeypatch.chdir(made["command"])  # (put back after the test, whatever it did)
    return made


def test_a_nested_holder_keeps_the_first_holder_s_folder(folders: dict[str, str]) -> None:
    with held():
        os.chdir(folders["other"])  # (a model moved the process before the inner call)
        with held():
            pass
        os.chdir(folders["model"])
        take_back()
        assert os.getcwd() == folders["command"]


def test_a_hold_that_ended_leaves_later_calls_alone(folders: dict[str, str]) -> None:
    with held():
        pass
    with model_call():
        os.chdir(folders["model"])
    assert os.getcwd() == folders["model"]  # (no command runs: the program's own move)


def test_the_model_s_folder_is_its_own_for_each_later_call(folders: dict[str, str]) -> None:
    seen = []
    with held():
        os.chdir(folders["model"])  # (at import)
        take_back()
        assert os.getcwd() == folders["command"]
        for _ in range(2):
            with model_call():
                seen.append(os.getcwd())
            assert os.getcwd() == folders["command"]
    assert seen == [folders["model"]] * 2


def test_a_move_in_a_call_is_the_model_s_folder_for_the_next(folders: dict[str, str]) -> None:
    with held():
        with model_call():
            os.chdir(folders["model"])
        assert os.getcwd() == folders["command"]
        with model_call():
            assert os.getcwd() == folders["model"]
            os.chdir(folders["other"])
        with model_call():
            assert os.getcwd() == folders["other"]
        assert os.getcwd() == folders["command"]


def test_a_nested_call_leaves_the_outer_call_in_the_model_s_folder(
    folders: dict[str, str],
) -> None:
    with held():
        with model_call():
            os.chdir(folders["model"])
            with model_call():  # (assay's wrappers nest)
                pass
            assert os.getcwd() == folders["model"]
        assert os.getcwd() == folders["command"]
        with model_call():
            os.chdir(folders["other"])
        assert os.getcwd() == folders["command"]  # (the depth back to 0: put back again)
