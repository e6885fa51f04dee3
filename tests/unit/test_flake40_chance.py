"""No test's verdict is left to chance: every random draw under ``tests/`` is seeded.

CI run 135 failed once in ~110 runs on a fake model's unseeded ``default_rng()`` (the 8
images probed all kept their answers by chance): a failed CI costs a whole session's work.
This scans every Python file under ``tests/`` line by line (code written to files as
strings too) for a random source with no seed: ``default_rng()`` / ``RandomState()`` /
``Random()`` with nothing in the brackets, NumPy's and ``random``'s global-state draws,
random bytes (``os.urandom``, ``uuid4``, ``secrets``), a seed taken from the clock or the
process id, and ``torch``'s draws with no ``generator=`` and no ``torch.manual_seed(`` in the
same function before them.  A draw meant to be unseeded (a model that must answer at
random) says why chance cannot fail its test on the same line: ``# unseeded: <why>``.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

_DRAWS = "|".join(
    (
        r"\b(?:default_rng|RandomState|Random)\(\s*\)",
        r"\bSystemRandom\(",
        r"\b(?:np|numpy)\.random\.(?:rand|randn|randint|random|random_sample|ranf|sample"
        r"|choice|shuffle|permutation|normal|uniform|binomial|poisson|exponential"
        r"|standard_normal|random_integers|bytes)\(",
        r"(?<![\w.])random\.(?:random|randint|randrange|choice|choices|shuffle|sample|uniform"
        r"|gauss|normalvariate|getrandbits|triangular|expovariate|randbytes)\(",
        r"\bos\.urandom\(",
        r"\buuid\.uuid[14]\(",
        r"\bsecrets\.\w+\(",
        r"\b(?:default_rng|RandomState|Random|seed|manual_seed)\([^)]*"
        r"\b(?:time|time_ns|monotonic|perf_counter|getpid)\b",
    )
)
UNSEEDED = re.compile(_DRAWS)
TORCH_DRAW = re.compile(
    r"\btorch\.(?:rand|randn|randint|randperm|rand_like|randn_like|randint_like|bernoulli"
    r"|multinomial|normal|poisson)\("
)
REASON = re.compile(r"#\s*unseeded:\s*\S")
_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s")


def _torch_seeded(lines: list[str], at: int) -> bool:
    """A ``torch.manual_seed(`` between line ``at`` and the start of its function."""
    indent = len(lines[at]) - len(lines[at].lstrip())
    for line in reversed(lines[:at]):
        if "torch.manual_seed(" in line:
            return True
        if not line.strip():
            continue
        found = _DEF.match(line)
        if found and len(found.group(1)) < indent:
            return False  # (the function holding the draw begins here)
        indent = min(indent, len(line) - len(line.lstrip()))
    return False


def unseeded(path: Path) -> list[str]:
    """``file:line: text`` of each unseeded draw in ``path`` without a reason comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for i, line in enumerate(lines):
        if REASON.search(line):
            continue
        torch = TORCH_DRAW.search(line)
        if UNSEEDED.search(line) or (
            torch and "generator=" not in line and not _torch_seeded(lines, i)
        ):
            found.append(f"{path}:{i + 1}: {line.strip()}")
    return found


def test_no_test_draws_at_random_without_a_seed_or_a_reason() -> None:
    here = Path(__file__).resolve()
    found = [
        hit
        for path in sorted(TESTS.rglob("*.py"))
        if path.resolve() != here
        for hit in unseeded(path)
    ]
    assert not found, "unseeded random draws (seed them, or say '# unseeded: <why>'):\n" + (
        "\n".join(found)
    )


def test_a_planted_unseeded_draw_is_named_at_its_line(tmp_path: Path) -> None:
    planted = tmp_path / "test_planted.py"
    planted.write_text(
        "import numpy as np\n"
        "import random, time, torch\n"
        "rng = np.random.default_rng( )\n"  # 3
        "ok = np.random.default_rng(0)\n"
        "x = np.random.rand(3)\n"  # 5
        "y = rng.random(3)\n"
        "z = random.choice([1, 2])\n"  # 7
        "w = random.Random(int(time.time()))\n"  # 8
        "MODEL = '''\n_R = np.random.default_rng()\n'''\n"  # 10: code in a string
        "coin = np.random.default_rng()  # unseeded: a continuous draw; never equal twice\n"
        "def a():\n    return torch.randperm(4)\n"  # 14
        "def b():\n    torch.manual_seed(0)\n    return torch.randperm(4)\n"
        "def c():\n    return torch.randperm(4, generator=g)\n"
        "def d():\n    return torch.rand(2)  # unseeded:\n"  # 21: a reason must be given
        "def e():\n    torch.manual_seed(0)\n\n    def inner():\n        pass\n\n"
        "    for _ in range(2):\n        torch.randperm(4)\n"  # 29: seeded above
        "def f():\n    return torch.randn(2)\n"  # 31: e's seed is not f's
    )
    lines = [hit.split(": ", 1)[0].rsplit(":", 1)[1] for hit in unseeded(planted)]
    assert lines == ["3", "5", "7", "8", "10", "14", "21", "31"]
