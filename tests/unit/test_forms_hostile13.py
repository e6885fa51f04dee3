"""A hostile review of the user's own models and data as real pipelines give them
(thirteenth session): named columns, pipeline answers, image modes (wide tables, timed:
test_forms_hostile13_wide_time)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest


# -- Hugging Face-style text pipelines (faked: transformers is never imported) ---------------
class _Config:
    id2label: ClassVar[dict[int, str]] = {0: "NEGATIVE", 1: "POSITIVE"}


class _Inner:
    config = _Config()


class _FakePipeline:
    """Answers like transformers' text-classification pipeline: a {label, score} per text,
    or with top_k=None a list of them per text, best first; predict() forwards to the call
    (as the real one's does)."""

    def __init__(self, top_k: int | None = 1, flip: str = "not", named: bool = True) -> None:
        self.top_k, self.flip = top_k, flip
        if named:
            self.model = _Inner()

    def _p(self, text: str) -> float:
        p = 0.2 + 0.6 * (sum(map(ord, text)) % 97) / 97
        return 1 - p if self.flip in text.split() else p

    def __call__(self, texts: list[str]) -> list[object]:
        out: list[object] = []
        for t in texts:
            p = self._p(t)
            both = sorted(
                [{"label": "POSITIVE", "score": p}, {"label": "NEGATIVE", "score": 1 - p}],
                key=lambda d: -float(d["score"]),  # type: ignore[arg-type]
            )
            out.append(both if self.top_k is None else both[0])
        return out

    def predict(self, texts: list[str]) -> list[object]:
        return self(texts)


@pytest.mark.parametrize("named", [True, False])
def test_a_pipeline_answering_every_label_is_read_as_probabilities(named: bool) -> None:
    from assay.models import load_model

    texts = ["it is good", "it is not good", "bad"]
    pipe = _FakePipeline(top_k=None, named=named)
    # unnamed: a plain function answering as a pipeline does (its classes are read off it)
    model = load_model(pipe if named else pipe.__call__, modality="text", probe=texts[:2])
    caps = model.capabilities
    assert caps.outputs == "proba" and caps.class_names == ("NEGATIVE", "POSITIVE")
    got = model.predict(texts)
    want = [[1 - pipe._p(t), pipe._p(t)] for t in texts]
    assert np.allclose(got, want)


def test_a_pipeline_answering_its_top_label_is_read_by_its_classes() -> None:
    from assay.models import load_model

    texts = ["it is good", "it is not good", "bad"]
    pipe = _FakePipeline(top_k=1)
    model = load_model(pipe, modality="text", probe=texts[:2])
    assert model.capabilities.outputs == "labels"
    assert model.capabilities.class_names == ("NEGATIVE", "POSITIVE")
    got = model.predict(texts)
    assert got.tolist() == [int(pipe._p(t) > 0.5) for t in texts]


def test_pipelines_are_tested_and_their_labels_kept_as_names(tmp_path: Any) -> None:
    import assay

    kw: dict[str, Any] = {"grammar": "builtin:reviews", "max_queries": 300, "seed": 1}
    differ = assay.check_text(
        [_FakePipeline(None), _FakePipeline(None, flip="very")], store=tmp_path / "a.db", **kw
    )
    assert differ.n_findings > 0
    frame = differ.findings()
    assert set(frame["labels"].iloc[0]) <= {"NEGATIVE", "POSITIVE"}
    # the same pipeline answering its top label only, or every label: nothing to find
    same = assay.check_text([_FakePipeline(None), _FakePipeline(1)], store=tmp_path / "b.db", **kw)
    assert same.n_findings == 0 and same.status in ("completed", "budget_exhausted")


# -- image files: channels from the model, modes mixed, .npz with several arrays -------------
def _digits() -> tuple[Any, np.ndarray, np.ndarray]:
    """The demo's trojaned digits model (trigger: a 3x3 checker at (5, 5) -> 7), 40 clean
    images and 20 poisoned ones, canonical (n, 8, 8, 1) in 0..1."""
    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    trig = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
    d = trojaned_digits(seed=0, triggers=[trig])
    x, y = d.clean_images, d.clean_labels
    pois = trig.apply(x[200:260][y[200:260] != 7][:20])
    return d.model, x[:40], pois


def _save(folder: Any, images: np.ndarray, mode: str) -> Any:
    from PIL import Image

    folder.mkdir()
    for i, a in enumerate(images):
        im = Image.fromarray(np.round(a[..., 0] * 255).astype(np.uint8), "L")
        im.convert(mode).save(folder / f"{i:03d}.png")
    return folder


def _scan(tmp_path: Any, model: Any, images: Any, clean: Any, shape: str) -> Any:
    import assay

    def predict(batch: Any) -> np.ndarray:
        b = np.asarray(batch, dtype=np.float64)
        want = {"8,8": (8, 8), "8,8,1": (8, 8, 1), "8,8,3": (8, 8, 3)}[shape]
        assert b.shape[1:] == want, b.shape  # fed as the model takes them, or it fails
        grey = b if b.ndim == 3 else b[..., 0]
        return np.asarray(model.predict_proba(grey.reshape(len(b), -1)))

    return assay.check_backdoor(
        predict,
        images=str(images),
        clean=str(clean),
        input_shape=shape,
        value_range="0,16",
        max_queries=20_000,
        seed=1,
        store=tmp_path / "b.db",
    )


@pytest.mark.parametrize(("mode", "shape"), [("P", "8,8"), ("P", "8,8,1"), ("L", "8,8,3")])
def test_image_folders_get_the_channels_the_model_takes(
    tmp_path: Any, mode: str, shape: str
) -> None:
    """Grey palette PNGs for a model of (H, W) or (H, W, 1) were read as RGB and refused by
    shape; grey PNGs for a colour model likewise: they lose nothing given as it takes them."""
    model, clean, pois = _digits()
    images = _save(tmp_path / "images", pois, mode)
    cleans = _save(tmp_path / "clean", clean, mode)
    result = _scan(tmp_path, model, images, cleans, shape)
    assert result.n_findings >= 18


@pytest.mark.parametrize(("tint", "grey"), [(2, True), (30, False)])
def test_near_grey_rgb_images_are_read_as_grey(tmp_path: Any, tint: int, grey: bool) -> None:
    """Greys saved as RGB with a channel a level or two off (a scanner's or a colour
    profile's faint tint, JPEG rounding) were refused as 'a colour image' for a grey model;
    a real tint still is."""
    from PIL import Image

    from assay.backdoor.image_files import fit_channels, read_images
    from assay.errors import UsageError

    _, _, pois = _digits()
    folder = tmp_path / "rgb"
    folder.mkdir()
    for i, a in enumerate(pois[:4, ..., 0]):
        g = np.round(a * 200).astype(np.int64)
        rgb = np.stack([g, g, np.clip(g + tint, 0, 255)], axis=-1).astype(np.uint8)
        Image.fromarray(rgb, "RGB").save(folder / f"{i}.png")
    files = read_images(folder, argument="--images")
    assert files.values.shape[-1] == 3
    if not grey:
        with pytest.raises(UsageError, match="colour image"):
            fit_channels(files, 1, "--images")
        return
    out = fit_channels(files, 1, "--images")
    assert out.values.shape[-1] == 1
    diff = out.values[..., 0].astype(int) - files.values[..., 0].astype(int)
    assert diff.min() >= 0 and diff.max() <= 1  # the channels' mean: a level at most


def test_a_colour_image_among_grey_ones_is_refused_naming_it(tmp_path: Any) -> None:
    """It was made grey without a word (the first file's mode was forced on the others)."""
    from PIL import Image

    from assay.errors import UsageError

    model, clean, pois = _digits()
    images = _save(tmp_path / "images", pois, "L")
    colour = np.zeros((8, 8, 3), dtype=np.uint8)
    colour[..., 0] = 200
    Image.fromarray(colour, "RGB").save(images / "004.png")
    cleans = _save(tmp_path / "clean", clean, "L")
    with pytest.raises(UsageError) as err:
        _scan(tmp_path, model, images, cleans, "8,8")
    assert "004.png" in str(err.value) and "colour" in str(err.value)
    # a PIL list the same
    import assay

    pil = [Image.fromarray(np.round(a[..., 0] * 255).astype(np.uint8)) for a in pois]
    pil[2] = Image.fromarray(colour, "RGB")
    with pytest.raises(UsageError) as err:
        assay.check_backdoor(
            lambda b: model.predict_proba(np.asarray(b).reshape(len(b), -1)),
            images=pil,
            clean=str(cleans),
            input_shape="8,8",
            value_range="0,16",
            store=tmp_path / "c.db",
        )
    assert "2 is a colour image" in str(err.value)


def test_an_image_of_another_size_is_named(tmp_path: Any) -> None:
    from PIL import Image

    from assay.backdoor.image_files import read_images
    from assay.errors import UsageError

    _, clean, _ = _digits()
    folder = _save(tmp_path / "clean", clean[:5], "L")
    Image.fromarray(np.zeros((9, 8), dtype=np.uint8)).save(folder / "003.png")
    with pytest.raises(UsageError) as err:
        read_images(folder, argument="--clean")
    assert "003.png is 9x8" in str(err.value) and str(err.value.path).endswith("003.png")


def test_an_npz_with_several_arrays_is_not_read_by_guess(tmp_path: Any) -> None:
    from assay.backdoor.image_files import read_images
    from assay.errors import UsageError

    rng = np.random.default_rng(0)
    path = tmp_path / "set.npz"
    np.savez(path, masks=rng.random((4, 8, 8)), pictures=rng.random((4, 8, 8)))
    with pytest.raises(UsageError) as err:
        read_images(path, argument="--images")
    assert "masks" in str(err.value) and "pictures" in str(err.value)
    one = tmp_path / "one.npz"
    np.savez(one, pictures=rng.random((4, 8, 8)), labels=np.arange(4))
    read = read_images(one, argument="--images")
    assert read.values.shape == (4, 8, 8, 1) and read.labels is not None


# -- a DataFrame's own forms --------------------------------------------------------------------
def _people_frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, 300),
            "hours": rng.integers(10, 60, 300),
            "sex": rng.choice(["F", "M"], 300),
        }
    )


def _biased(rows: Any) -> np.ndarray:
    x = np.asarray(rows, dtype=object)
    out: np.ndarray = ((x[:, 2] == "M") & (x[:, 0].astype(float) > 40)).astype(np.int64)
    return out


@pytest.mark.parametrize("names", [["age", "age", "sex"], [1, "1", "sex"]])
def test_two_columns_of_one_name_are_refused_naming_it(tmp_path: Any, names: list[Any]) -> None:
    """frame[name] gave both columns: AttributeError 'DataFrame' object has no attribute
    'dtype' (an internal error, exit 5 on the command line)."""
    import assay
    from assay.errors import UsageError

    frame = _people_frame()
    frame.columns = names
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            _biased, data=frame, protected="sex", max_queries=200, store=tmp_path / "s.db"
        )
    assert f"two columns are named {str(names[0])!r}" in str(err.value)


def test_multiindex_columns_are_searched_by_their_text_or_told_to_flatten(
    tmp_path: Any,
) -> None:
    import assay
    from assay.errors import UsageError

    frame = _people_frame()
    frame.columns = pd.MultiIndex.from_tuples([("p", "age"), ("p", "hours"), ("q", "sex")])
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            _biased, data=frame, protected="sex", max_queries=200, store=tmp_path / "s.db"
        )
    assert "MultiIndex" in str(err.value)
    result = assay.check_fairness(
        _biased,
        data=frame,
        protected=[("q", "sex")],
        max_queries=2000,
        seed=1,
        store=tmp_path / "t.db",
    )
    assert result.n_findings > 0


# -- text files as editors save them -------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_grammar_saved_with_a_byte_order_mark_is_read(tmp_path: Any, encoding: str) -> None:
    """With a UTF-8 BOM: "expected a symbol name, found '\\ufeffS'"; UTF-16 (Notepad's
    'Unicode'): "'utf-8' codec can't decode byte 0xff"."""
    from assay.text.grammar import load_grammar

    path = tmp_path / "g.cfg"
    path.write_text('S -> "the food was" ADJ "."\nADJ -> "good" | "bad"\n', encoding=encoding)
    grammar = load_grammar(path)
    assert grammar.names[grammar.start] == "S"


def test_a_utf16_data_file_is_told_its_encoding(tmp_path: Any) -> None:
    from assay.errors import UsageError
    from assay.fairness.tabular_io import read_table

    path = tmp_path / "d.csv"
    path.write_text("age,sex\n30,F\n40,M\n", encoding="utf-16")
    with pytest.raises(UsageError) as err:
        read_table(path)
    assert "--encoding utf-16" in str(err.value)
    assert read_table(path, encoding="utf-16").shape == (2, 2)


# -- answers that are not what they claim -------------------------------------------------------
def _p_of(rows: Any) -> np.ndarray:
    x = np.asarray(rows, dtype=object)
    return np.where((x[:, 2] == "M") & (x[:, 0].astype(float) > 40), 0.9, 0.2)


def test_probabilities_that_do_not_sum_to_one_are_a_model_error(tmp_path: Any) -> None:
    """[p, p] for [1 - p, p]: the largest column never changed, so no label ever flipped:
    "no discriminatory input found", exit 0, of a model that discriminates."""
    import assay
    from assay.errors import ModelError

    frame = _people_frame()
    kw: dict[str, Any] = {"protected": "sex", "max_queries": 2000, "seed": 1}

    def repeated(rows: Any) -> np.ndarray:
        p = _p_of(rows)
        return np.column_stack([p, p])

    def right(rows: Any) -> np.ndarray:
        p = _p_of(rows)
        return np.column_stack([1 - p, p])

    def logits(rows: Any) -> np.ndarray:  # scores outside [0, 1]: read by the largest
        p = _p_of(rows)
        return np.column_stack([-3 * p, 3 * p - 1.5])

    with pytest.raises(ModelError) as err:
        assay.check_fairness(repeated, data=frame, store=tmp_path / "a.db", **kw)
    assert "sum to 0.4" in str(err.value) or "sum to 1.8" in str(err.value)
    assert assay.check_fairness(right, data=frame, store=tmp_path / "b.db", **kw).n_findings > 0
    assert assay.check_fairness(logits, data=frame, store=tmp_path / "c.db", **kw).n_findings > 0


def test_the_channels_follow_a_shape_the_model_declares_itself(tmp_path: Any) -> None:
    """No --input-shape: a model declaring (8, 8) (as an ONNX graph's input does) gets grey
    palette PNGs as one channel."""
    import assay
    from assay.core.model import Capabilities

    model, clean, pois = _digits()

    class Declared:
        capabilities = Capabilities(modality="image", n_classes=10, outputs="proba")
        input_shape = (8, 8)

        def predict(self, batch: Any) -> np.ndarray:
            b = np.asarray(batch, dtype=np.float64)
            assert b.shape[1:] == (8, 8), b.shape
            return np.asarray(model.predict_proba(b.reshape(len(b), -1)))

    result = assay.check_backdoor(
        Declared(),
        images=str(_save(tmp_path / "images", pois, "P")),
        clean=str(_save(tmp_path / "clean", clean, "P")),
        value_range="0,16",
        max_queries=20_000,
        seed=1,
        store=tmp_path / "b.db",
    )
    assert result.n_findings >= 18


def test_list_values_and_huge_integers_are_refused_naming_the_column() -> None:
    """A column of lists (nested JSON lines): TypeError unhashable type: 'list' (internal
    error); account numbers beyond 2**53: searched as floats, the model given other numbers
    (2**60 + 1 became 2**60)."""
    from assay.errors import UsageError
    from assay.fairness.tabular_io import infer_schema

    frame = pd.DataFrame({"sex": ["F", "M", "F"], "tags": [[1, 2], [3], []]})
    with pytest.raises(UsageError) as err:
        infer_schema(frame, protected=("sex",))
    assert "'tags' holds list values" in str(err.value)
    frame = pd.DataFrame({"sex": ["F", "M", "F"], "acct": np.arange(3) + 2**60 + 1})
    with pytest.raises(UsageError) as err:
        infer_schema(frame, protected=("sex",))
    assert "'acct'" in str(err.value) and "2**53" in str(err.value)
    ok = pd.DataFrame({"sex": ["F", "M", "F"], "acct": np.arange(3) + 2**52})
    assert infer_schema(ok, protected=("sex",)).feature("acct").kind == "integer"


def test_an_arrow_table_is_read_as_its_dataframe(tmp_path: Any) -> None:
    """A pyarrow Table passed for a DataFrame: "protected attribute 'sex' is not a column;
    columns are: [[70, 57, ...]]", every value printed."""
    pa = pytest.importorskip("pyarrow")
    import assay

    table = pa.Table.from_pandas(_people_frame())
    result = assay.check_fairness(
        _biased, data=table, protected="sex", max_queries=2000, seed=1, store=tmp_path / "s.db"
    )
    assert result.n_findings > 0


def test_channels_first_arrays_are_refused_with_the_transpose(tmp_path: Any) -> None:
    """(n, 1, 8, 8) from a torch dataset was read as 1x8 images of 8 channels, and refused
    by what followed: "argument --blocker: must be between 1 and the image side, not 2"."""
    import assay
    from assay.errors import UsageError

    model, clean, pois = _digits()
    kw: dict[str, Any] = {"input_shape": "64", "value_range": "0,16", "max_queries": 20_000}

    def predict(batch: Any) -> np.ndarray:
        b = np.asarray(batch, dtype=np.float64)
        return np.asarray(model.predict_proba(b.reshape(len(b), -1)))

    first = (pois * 16).transpose(0, 3, 1, 2)
    with pytest.raises(UsageError) as err:
        assay.check_backdoor(
            predict,
            images=first,
            clean=clean.transpose(0, 3, 1, 2) * 16,
            store=tmp_path / "a.db",
            **kw,
        )
    assert "channels first" in str(err.value) and "np.transpose" in str(err.value)
    right = assay.check_backdoor(
        predict, images=pois * 16, clean=clean * 16, store=tmp_path / "b.db", seed=1, **kw
    )
    assert right.n_findings >= 18
