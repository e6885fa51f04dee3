"""mutation50b: a model's own exit (``core.calls.OwnExit``) said of the model by its name
survives the trip back from a Dask worker whole: a pickled copy says the same words of the
same model and is still an exit (never taken for a refusal of the array, nor for a wrong
``--input-shape``).  Its ``__reduce__`` dropping the model's name passed every test."""

from __future__ import annotations

import pickle

from assay.core.calls import OwnExit, _unexpected_exit
from assay.errors import ModelError


def test_a_named_exit_pickles_back_whole() -> None:
    for raised in (SystemExit(3), KeyboardInterrupt()):
        own = _unexpected_exit(raised)
        named = own.named("the function m.py:f", "on its first call (a probe batch of 2 inputs)")
        back = pickle.loads(pickle.dumps(named))
        assert type(back) is type(named) and isinstance(back, OwnExit)
        assert isinstance(back, ModelError)
        assert str(back) == str(named), (str(back), str(named))
        assert str(back).startswith("the function m.py:f "), str(back)
        assert "on its first call" in str(back)
        assert (back.did, back.why, back.who) == (named.did, named.why, named.who)
