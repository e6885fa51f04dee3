"""mutation53: store52's and docs52's credentials kept out of a model's errors, at the
edges their own tests left open (a surviving mutant named by each test), and one real leak:
a text classifier answering labels it does not declare is asked a second probe at loading
(``text.loading._labels_as_answered``), whose error kept the classifier's credentials whole
(its object's own ``api_key``, its module's ``SERVICE_PASSWORD``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.errors import AssayError

_CLIENT = """
def helper(x):
    return x


class Client:
    '''A user's model object: its key an attribute of its own, and an attribute named fn.'''

    def __init__(self):
        self.api_key = "clientkeylettersonly"
        self.fn = helper

    def __call__(self, texts):
        if len(texts) > 2:  # (loading's first probe, of 2 sentences, passes)
            raise RuntimeError(f"login refused for {self.api_key}")
        return ["pos" if "good" in t else "neg" for t in texts]


predict = Client()
"""

_MODULE = """
SERVICE_PASSWORD = "modulelettersonly"


def predict(texts):
    if len(texts) > 2:  # (loading's first probe, of 2 sentences, passes)
        raise RuntimeError(f"login refused for {SERVICE_PASSWORD}")
    return ["pos" if "good" in t else "neg" for t in texts]
"""

GRAMMAR = 's -> "the" N "was" Q\nN -> "food" | "pasta"\nQ -> "good" | "bad"\n%invariant N\n'


def _error(tmp_path: Path, source: str) -> str:
    import assay

    (tmp_path / "m.py").write_text(source)
    with pytest.raises(AssayError) as err:
        assay.check_text(
            f"{tmp_path / 'm.py'}:predict",
            grammar=GRAMMAR,
            oracle="invariance",
            max_queries=200,
            seed=1,
            store=tmp_path / "r.db",
        )
    return str(err.value)


def test_a_model_objects_own_credential_is_masked_though_it_has_an_fn_attribute(
    tmp_path: Path,
) -> None:
    # K6 (``loader.load_model`` unwrapping any object's ``fn``, not a ``FramedFunction``'s
    # alone: 45f3f4a1): the object's own ``api_key`` was no longer read, its error kept it.
    # Its classes declared: no second probe, the error is the run's first batch's
    source = _CLIENT.replace(
        "predict = Client()", "predict = Client()\npredict.classes_ = ['neg', 'pos']"
    )
    said = _error(tmp_path, source)
    assert "login refused for ***" in said, said
    assert "clientkeylettersonly" not in said


@pytest.mark.parametrize("source", [_CLIENT, _MODULE], ids=["object's own", "module's"])
def test_the_labels_probe_of_an_undeclared_classifier_masks_its_credentials(
    tmp_path: Path, source: str
) -> None:
    # a real leak (fails on main): the 64-sentence probe of a classifier answering labels by
    # name, undeclared, was called outside ``load_model``'s ``secrets_masked``
    said = _error(tmp_path, source)
    assert "on its first call (a probe batch of" in said, said
    assert "login refused for ***" in said, said
    assert "lettersonly" not in said


def _closure(name: str, value: str) -> object:
    """A function whose closure holds ``value`` in a variable named ``name``."""
    namespace: dict[str, object] = {}
    exec(  # (the variable's name is the case's)
        f"def make(v):\n    {name} = v\n    def f(x):\n        return {name}, x\n    return f\n",
        namespace,
    )
    return namespace["make"](value)  # type: ignore[operator]


def test_a_tokenizers_special_tokens_in_a_closure_are_no_credentials() -> None:
    # E5 (``take``'s ``_SPECIAL`` guard dropped): a closure's ``pad_token`` ("[PAD]") and
    # ``eos_token`` were masked as credentials, "[PAD]" said "***" in every error
    from assay.core.message_secrets import object_secrets

    assert object_secrets(_closure("pad_token", "[PAD]")) == []
    assert object_secrets(_closure("eos_token", "</s>")) == []
    assert object_secrets(_closure("auth_token", "[PAD]")) == ["[PAD]"]


def test_a_credential_of_exactly_four_characters_in_a_closure_is_listed() -> None:
    # E14 (``len(value) >= _MIN_ATTRIBUTE`` -> ``>``): a four-character key was not listed
    from assay.core.message_secrets import object_secrets

    assert object_secrets(_closure("api_key", "abcd")) == ["abcd"]
    assert object_secrets(_closure("api_key", "abc")) == []


def test_an_error_of_a_hundred_thousand_characters_is_cut_to_twenty_thousand() -> None:
    # E8 (``MESSAGE_MOST`` 200,000): store52's tests cut messages of millions of characters,
    # which any limit below them cuts; 100,000 characters went whole into the JUnit file
    from assay.errors import ModelError

    said = str(ModelError("word " * 20_000))
    assert said.endswith("... (100,000 characters in all)"), said[-60:]
    assert len(said) == 20_000 + len(" (100,000 characters in all)")
    assert str(ModelError("word " * 3_999 + "word")) == "word " * 3_999 + "word"
