"""A served model's ``--template`` stored by a relative path (runs made before hostile19b
stored it absolute): the run resumes from any folder, its template read from the folder the
run was started in; a template found nowhere is refused naming the file, where it was looked
for and what to do, not as an unreadable --template of the resume's folder."""

from __future__ import annotations

import http.server
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import assay
from assay.core.store import RunStore
from assay.errors import UsageError


class _Rows(http.server.BaseHTTPRequestHandler):
    """Answers ``{"rows": [[x, z, sex], ...]}`` with ``{"data": {"predictions": [...]}}``."""

    def do_POST(self) -> None:
        asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        rows = np.asarray(asked["rows"])
        said = ((rows[:, 0] > 60) | ((rows[:, 2] == 1) & (rows[:, 0] > 40))).astype(int)
        self.send_response(200)  # (HTTP/1.0: the connection's end ends the answer)
        self.end_headers()
        self.wfile.write(json.dumps({"data": {"predictions": said.tolist()}}).encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Rows)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/predict"
    server.shutdown()
    server.server_close()


def _old_run(tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[RunStore, str]:
    """A run stopped half-way whose config holds the template as given, relative to its
    folder (as runs stored before hostile19b did)."""
    work = tmp_path / "my proj é"
    work.mkdir()
    (work / "tpl.yaml").write_text('body: {"rows": "{{inputs}}"}\noutputs: data.predictions\n')
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 100, (200, 2)), rng.integers(0, 2, 200)])
    (work / "people.csv").write_text(
        "x,z,sex\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n"
    )
    monkeypatch.chdir(work)
    store = RunStore(tmp_path / "runs.db")
    result = assay.check_fairness(
        url,
        data="people.csv",
        protected="sex",
        serving={"template": "tpl.yaml"},
        max_queries=3000,
        seed=1,
        store=store,
    )
    config = store.get_run(result.run_id).config
    config["invocation"]["serving"]["template"] = "tpl.yaml"
    config["cwd"] = str(work)
    db = sqlite3.connect(tmp_path / "runs.db")
    with db:
        db.execute(
            "UPDATE runs SET config=?, status='interrupted' WHERE id=?",
            (json.dumps(config), result.run_id),
        )
        # (stored before the store's schema 4: the whole config in the run's row, no rows)
        db.execute("DELETE FROM configs WHERE run_id=?", (result.run_id,))
    db.close()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return store, result.run_id


def test_an_old_runs_relative_template_is_read_from_its_folder(
    tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, run_id = _old_run(tmp_path, url, monkeypatch)
    again = assay.resume_run(run_id, store=store)
    assert again.status in ("completed", "budget_exhausted"), again.status


def test_a_template_found_nowhere_is_refused_naming_it(
    tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, run_id = _old_run(tmp_path, url, monkeypatch)
    (tmp_path / "my proj é" / "tpl.yaml").unlink()
    with pytest.raises(UsageError) as err:
        assay.resume_run(run_id, store=store)
    said = str(err.value)
    assert "'tpl.yaml'" in said and str(tmp_path / "my proj é" / "tpl.yaml") in said
    assert "put the template back" in said and "cannot read" not in said
    assert err.value.argument == "--template"


def test_what_is_no_relative_file_is_left_as_stored(tmp_path: Path) -> None:
    from assay.core.runinfo import stored_serving

    absolute = {"template": str(tmp_path / "t.yaml")}
    inline = {"template": '{"body": {"rows": "{{inputs}}"}}'}
    for serving in (absolute, inline, {"template": None}):
        record = SimpleNamespace(id="r", config={"invocation": {"serving": serving}})
        assert stored_serving(record) == serving
    no_cwd = SimpleNamespace(id="r", config={"invocation": {"serving": {"template": "t.yaml"}}})
    with pytest.raises(UsageError, match="did not record the folder"):
        stored_serving(no_cwd)
