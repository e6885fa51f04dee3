"""Context-free grammars: parsing (assay's format and NLTK's CFG text format), load checks.

One rule per line, ``LHS -> alt | alt``; terminals are quoted (single or double quotes), bare
words are symbols; ``# comment``; an optional weight in brackets after an alternative
(``"good" [3]``); a line starting with ``|`` continues the rule above; several lines with the
same left-hand side add alternatives.  The first rule's left-hand side is the start symbol
unless ``%start NAME`` says otherwise.  This is also NLTK's ``CFG.fromstring`` / PCFG text
format, so NLTK grammars load unchanged.

Directives of our own (ignored by nothing else, as NLTK has no such lines):

- ``%invariant NAME`` -- the alternatives of ``NAME`` are interchangeable: swapping one for
  another must not change a prediction (``%invariant NAME: "a" | "b"`` for a subset).
- ``%directional NAME: ALT -> ALT EXPECT [CLASS] [TOLERANCE]`` -- replacing one alternative of
  ``NAME`` by another must move the prediction: ``away`` (the probability of the class first
  predicted falls), ``flip`` (the label changes), ``up CLASS`` / ``down CLASS``.
- ``%expect NAME -> CLASS`` -- a minimum functionality test (CheckList's MFT): a sentence
  deriving ``NAME`` must be labelled ``CLASS`` (``-> not CLASS``: anything but it;
  ``%expect NAME: ALT | ALT -> CLASS`` for the sentences deriving those alternatives only).
- ``%lexicon NAME FILE`` -- the lines of ``FILE`` (relative to the grammar's file) are
  alternatives of ``NAME``, one word or phrase each (``lexicon``).

Checked on load: undefined symbols (error), symbols that can never finish deriving (error),
unreachable symbols (warning), infinite languages (warning).
"""

from __future__ import annotations

import io
import math
import os
import re
import unicodedata
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assay.core.textfile import read_text_file
from assay.errors import UsageError
from assay.text.did_you_mean import did_you_mean
from assay.text.lexicon import read_lexicon
from assay.text.lines import file_lines
from assay.text.odd_chars import odd_char_hint
from assay.text.split_tokens import FIRST as TOKEN_FIRST
from assay.text.split_tokens import is_split_token, split_tokens_note

__all__ = [
    "Directional",
    "Expectation",
    "Grammar",
    "Invariant",
    "cycle_text",
    "load_grammar",
    "parse_grammar",
    "reachable_symbols",
]

Item = int | str  # a nonterminal id or a terminal string

# a symbol's name: a letter of any script (NLTK names them so: ``句子 -> 主语 谓语``), "_" or
# "$", then those, digits and ``-$/.<>'``
_SYMBOL = re.compile(r"[^\W\d$][\w\-$/.<>']*|\$[\w\-$/.<>']*")
_NUMBER = re.compile(r"[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?")
_BLANKS = re.compile(r"[ \t\r]*")
# the longest terminal read (a paragraph fits; a 50 MB terminal, a quote closed megabytes
# later, took 5.5 GB and ended exit 5: each sentence deriving it is held many times over)
LONGEST_TERMINAL = 100_000
EXPECTATIONS = ("away", "flip", "up", "down", "not-up", "not-down")
_EMPTY = '""'


@dataclass(frozen=True)
class Invariant:
    """Alternatives of ``symbol`` (indices) that must give the same prediction."""

    symbol: int
    alternatives: Sequence[int]  # (a range for a whole rule: no int held per alternative)
    line: int


@dataclass(frozen=True)
class Directional:
    """Replacing alternative ``source`` of ``symbol`` by ``target`` must move the prediction."""

    symbol: int
    source: int
    target: int
    expect: str
    label: str | None
    tolerance: float
    line: int
    label_column: int | None = None  # where the class is named (1-based; an error names it)


@dataclass(frozen=True)
class Expectation:
    """A sentence deriving ``symbol`` by one of ``alternatives`` (indices) must be labelled
    ``label`` (``negated``: must not be): CheckList's minimum functionality test."""

    symbol: int
    alternatives: Sequence[int]  # (a range for a whole rule)
    label: str
    line: int
    negated: bool = False
    label_column: int | None = None  # where the class is named (1-based; an error names it)


Relation = Invariant | Directional | Expectation


@dataclass
class Grammar:
    """A compiled grammar: symbols are integer ids, productions are numbered globally.

    ``alternatives[s]`` lists the productions of symbol ``s``; ``productions[p]`` is
    ``(symbol, items)``; ``weights[p]`` its weight.
    """

    names: list[str]
    productions: list[tuple[int, tuple[Item, ...]]]
    weights: list[float]
    alternatives: list[Sequence[int]]  # (a range where a symbol's productions follow on)
    start: int
    source: str = "<grammar>"
    invariants: list[Invariant] = field(default_factory=list)
    directionals: list[Directional] = field(default_factory=list)
    expectations: list[Expectation] = field(default_factory=list)
    # the lexicon files read (``%lexicon``): their paths, fingerprinted with a run
    lexicons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # line of each production
    infinite: bool = False
    # a symbol deriving itself, as the rules go round (``a -> b -> a``: an infinite
    # language's, named where it is warned of and where exhaustive enumeration is refused)
    cycle: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._analyse()

    # -- analysis ------------------------------------------------------------------------
    def _analyse(self) -> None:
        n = len(self.names)
        inf = 10**9
        # height: the least derivation depth to reach terminals; words: the fewest words
        height = [inf] * n
        words = [inf] * n
        changed = True
        while changed:
            changed = False
            for p, (s, items) in enumerate(self.productions):
                h, w = 1, 0
                for it in items:
                    if isinstance(it, int):
                        h = max(h, height[it] + 1)
                        w += words[it]
                    else:
                        w += len(it.split())
                if h < height[s]:
                    height[s], changed = h, True
                if w < words[s]:
                    words[s], changed = w, True
                del p
        self.height = height
        self.min_words = words
        self.prod_height = [
            max([1] + [height[it] + 1 for it in items if isinstance(it, int)])
            for _, items in self.productions
        ]
        self.prod_words = [
            sum(words[it] if isinstance(it, int) else len(it.split()) for it in items)
            for _, items in self.productions
        ]
        self.lexical = [all(isinstance(it, str) for it in items) for _, items in self.productions]
        # a word choice of a symbol with at least two of them: a word a swap may replace
        # per symbol, its word choices in order; per production, its place among them (-1:
        # not a word choice): a swap draws the new word by its place, without a scan
        self.word_choices: list[Sequence[int]] = [
            _choices(alts, self.lexical) for alts in self.alternatives
        ]
        # (an array: a list held an int object per production, 24 MB for 900,000 nouns)
        self.word_place = array("q", [-1]) * len(self.productions)
        for choices in self.word_choices:
            for k, q in enumerate(choices):
                self.word_place[q] = k
        self.swappable = [
            lex and len(self.word_choices[s]) >= 2
            for lex, (s, _) in zip(self.lexical, self.productions, strict=True)
        ]

    @property
    def n_productions(self) -> int:
        return len(self.productions)

    def describe(self, p: int) -> str:
        """Production ``p`` as text: ``adj -> "good"``."""
        s, items = self.productions[p]
        rhs = " ".join(self.names[it] if isinstance(it, int) else f'"{it}"' for it in items)
        return f"{self.names[s]} -> {rhs or _EMPTY}"

    def symbol(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise UsageError(f"no symbol {name!r} in the grammar", path=self.source) from None

    def to_text(self) -> str:
        """The grammar in assay's format (round-trips through ``parse_grammar``)."""
        out = [f"%start {self.names[self.start]}"]
        for s, alts in enumerate(self.alternatives):
            # written piece by piece (a list of a rule's 900,000 alternatives was 68 MB)
            rule = io.StringIO()
            rule.write(f"{self.names[s]} -> ")
            for k, p in enumerate(alts):
                if k:
                    rule.write(" | ")
                rhs = " ".join(
                    self.names[it] if isinstance(it, int) else _quote(it)
                    for it in self.productions[p][1]
                )
                rule.write(rhs or '""')
                if self.weights[p] != 1.0:
                    rule.write(f" [{self.weights[p]:g}]")
            out.append(rule.getvalue())
        # in the order of their lines (a suite's tests, ``oracle``, keep their order when
        # the text is read again: a stored run's relations are numbered by it)
        every: list[Relation] = [*self.invariants, *self.directionals, *self.expectations]
        out.extend(self.directive(r) for r in sorted(every, key=lambda r: r.line))
        return "\n".join(out) + "\n"

    def directive_lines(self) -> list[int]:
        """Each directive's line, in the order ``to_text`` writes them (theirs)."""
        every: list[Relation] = [*self.invariants, *self.directionals, *self.expectations]
        return sorted(r.line for r in every)

    def renumber(self, lines: Sequence[int]) -> None:
        """Give the directives of a grammar read back from its ``to_text`` the lines they had
        in the file first read (``directive_lines``): a test keeps its name ("line 37:
        %expect ...") in a resumed run, its findings stored under it (nothing done when the
        count differs: a text stored otherwise)."""
        if len(lines) != len(self.directive_lines()):
            return
        at = {old: int(new) for old, new in zip(self.directive_lines(), lines, strict=True)}
        self.invariants = [replace(r, line=at[r.line]) for r in self.invariants]
        self.directionals = [replace(r, line=at[r.line]) for r in self.directionals]
        self.expectations = [replace(r, line=at[r.line]) for r in self.expectations]

    def name_classes_as(self, labels: Sequence[str]) -> None:
        """Write the classes the tests name (``%expect NAME -> CLASS``, ``%directional ...
        up CLASS``) as ``labels`` write them where they are the same text in another
        Unicode normal form (a grammar saved in NFD, the classifiers answering NFC): they
        print alike, and "names class 'négatif'; the classifiers' labels are négatif"
        contradicted itself.  Others are left as written (checked, and refused, on load)."""
        norm = {unicodedata.normalize("NFC", x): x for x in labels}

        def named(label: str | None) -> str | None:
            if label is None or label in labels:
                return label
            return norm.get(unicodedata.normalize("NFC", label), label)

        self.directionals = [replace(r, label=named(r.label)) for r in self.directionals]
        self.expectations = [replace(r, label=str(named(r.label))) for r in self.expectations]

    def directive(self, rel: Relation, most: int | None = None) -> str:
        """The directive's line in assay's format (the tolerance always written, but for
        ``flip``, which takes none); ``most``:
        an invariance class's first members only, and how many it has (a name to show)."""
        name = self.names[rel.symbol]
        if isinstance(rel, Invariant | Expectation):
            alts = rel.alternatives
            head = "%invariant" if isinstance(rel, Invariant) else "%expect"
            tail = ""
            if isinstance(rel, Expectation):
                tail = f" -> {'not ' if rel.negated else ''}{_label_text(rel.label)}"
            if _whole(alts, len(self.alternatives[rel.symbol])):
                return f"{head} {name}{tail}"  # every alternative: not written out again
            cut = most is not None and len(alts) > most
            members = " | ".join(self._alt_text(rel.symbol, a) for a in alts[:most])
            more = f" | ... ({len(alts):,} members)" if cut else ""
            return f"{head} {name}: {members}{more}{tail}"
        tail = f" {rel.label}" if rel.label else ""
        if rel.expect != "flip":  # ('flip' takes none: written, the text did not read back)
            tail += f" {rel.tolerance:g}"
        return (
            f"%directional {name}: {self._alt_text(rel.symbol, rel.source)} -> "
            f"{self._alt_text(rel.symbol, rel.target)} {rel.expect}{tail}"
        )

    def _alt_text(self, s: int, a: int) -> str:
        items = self.productions[self.alternatives[s][a]][1]
        text = " ".join(self.names[it] if isinstance(it, int) else _quote(it) for it in items)
        return text or '""'


def _choices(alts: Sequence[int], lexical: list[bool]) -> Sequence[int]:
    """The word choices among ``alts``: ``alts`` itself when every one is a word (a range
    stays a range), else those that are."""
    if all(lexical[q] for q in alts):
        return alts
    return [q for q in alts if lexical[q]]


def _whole(alternatives: Sequence[int], n: int) -> bool:
    """Whether an invariance class is every alternative of its symbol's ``n``, in order."""
    if isinstance(alternatives, range):
        return alternatives == range(n)
    return len(alternatives) == n and all(a == k for k, a in enumerate(alternatives))


def _label_text(label: str) -> str:
    """A class as a directive writes it: bare when it reads back as one word, else quoted."""
    plain = label and not any(c.isspace() or c in "\"'#" for c in label) and label != "not"
    return label if plain else _quote(label)


def _quote(word: str) -> str:
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- parsing --------------------------------------------------------------------------------


@dataclass
class _Alt:
    items: list[tuple[str, str, int]]  # (kind "sym"/"term", text, column)
    weight: float
    line: int


def _named(text: str) -> str:
    """The distinct characters of ``text`` by their Unicode names ("U+3000 IDEOGRAPHIC SPACE")."""
    return ", ".join(
        f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in dict.fromkeys(text)
    )


class _Lexer:
    def __init__(self, text: str, line: int, path: str, notes: list[str] | None = None) -> None:
        self.text, self.line, self.path = text, line, path
        self.notes = notes if notes is not None else []  # warnings met while reading
        self.i = 0

    def error(self, message: str, col: int | None = None) -> UsageError:
        where = self.i if col is None else col
        return UsageError(message, path=self.path, line=self.line, column=where + 1)

    def skip(self) -> None:
        m = _BLANKS.match(self.text, self.i)  # (always matches, perhaps nothing)
        if m is not None:
            self.i = m.end()

    def at_end(self) -> bool:
        self.skip()
        return self.i >= len(self.text) or self.text[self.i] == "#"

    def peek(self) -> str:
        self.skip()
        return self.text[self.i] if self.i < len(self.text) else ""

    def symbol(self) -> tuple[str, int]:
        self.skip()
        m = _SYMBOL.match(self.text, self.i)
        if not m:
            found = self.text[self.i : self.i + 10] or "end of line"
            json = found[:1] in "{[" and not self.text[: self.i].strip()
            hint = (
                '; this looks like JSON: a grammar is rules, one a line (`s -> "the food '
                'was" q`, docs/text.md, Grammars)'
                if json
                else ""
            )
            hint = hint or odd_char_hint(found[:1])
            raise self.error(f"expected a symbol name, found {found!r}{hint}")
        col = self.i
        self.i = m.end()
        return m.group(0), col

    def string(self) -> tuple[str, int]:
        self.skip()
        quote, col = self.text[self.i], self.i
        j = self.i + 1
        end = self.text.find(quote, j)
        if end >= 0 and self.text.find("\\", j, end) < 0:  # no escape: the text as it is
            self.i = end + 1
            return self._bounded(self.text[j:end], col), col
        out = []
        while j < len(self.text):
            c = self.text[j]
            if c == "\\" and j + 1 < len(self.text):
                after = self.text[j + 1]
                if after in "\\\"'":  # an escaped quote or backslash
                    out.append(after)
                    j += 2
                    continue
                # anything else is kept as written (NLTK's reading: it has no escapes)
                self.notes.append(
                    f"{self.path}:{self.line}:{j + 1}: '\\{after}' is not an escape: read "
                    f"as a backslash and {after!r} (a backslash escapes only a quote or a "
                    "backslash; a terminal is text of one line)"
                )
            if c == quote:
                self.i = j + 1
                return self._bounded("".join(out), col), col
            out.append(c)
            j += 1
        raise self.error(
            f"unbalanced quote: the string starting here never ends (expected {quote})", col
        )

    def _bounded(self, word: str, col: int) -> str:
        if word and (word[0].isspace() or word[-1].isspace()):
            self._blanks(word, col)
        if len(word) <= LONGEST_TERMINAL:
            return word
        raise self.error(
            f"a terminal of {len(word):,} characters ({word[:40]!r}...): a terminal is at "
            f"most {LONGEST_TERMINAL:,} (a word, a phrase, a paragraph); a quote closed far "
            "later than meant?",
            col,
        )

    def _blanks(self, word: str, col: int) -> None:
        """Warn of a terminal that is only whitespace (it derives nothing) or whose ends hold
        whitespace other than spaces (an ideographic or no-break space: dropped as spaces are)."""
        at = f"{self.path}:{self.line}:{col + 1}"
        if not word.strip():
            self.notes.append(
                f"{at}: the terminal {word!r} is only whitespace ({_named(word)}): it derives "
                'nothing, as "" does (a sentence is its words joined by single spaces, the '
                "whitespace at either end of a terminal dropped)"
            )
            return
        ends = word[: len(word) - len(word.lstrip())] + word[len(word.rstrip()) :]
        if ends.strip(" "):
            self.notes.append(
                f"{at}: the terminal {word!r} begins or ends with whitespace ({_named(ends)}), "
                "dropped as spaces are (a sentence is its words joined by single spaces): to "
                "send it, put it between two characters of one terminal"
            )

    def number(self) -> float:
        self.skip()
        col = self.i
        self.i += 1  # '['
        self.skip()
        m = _NUMBER.match(self.text, self.i)
        if not m:
            raise self.error("expected a weight (a number) after '['", col)
        self.i = m.end()
        self.skip()
        if self.peek() != "]":
            raise self.error("expected ']' to close the weight")
        self.i += 1
        value = float(m.group(0))
        if value <= 0:
            raise self.error(f"weights must be positive, not {value:g}", col)
        if not math.isfinite(value):  # (1e400: read as infinity, every draw was broken)
            raise self.error(
                f"the weight {m.group(0)} is beyond the largest number (about 1.8e308); "
                "weights are relative: scale them down",
                col,
            )
        return value

    def alternatives(self) -> list[_Alt]:
        return list(self.each_alternative())

    def each_alternative(self) -> Iterator[_Alt]:
        """The alternatives of the rest of the line, one at a time (a rule of 900,000 nouns
        on one line is never held as 900,000 ``_Alt`` at once)."""
        alt = _Alt([], 1.0, self.line)
        while not self.at_end():
            c = self.peek()
            if c == "|":
                self.i += 1
                yield alt
                alt = _Alt([], 1.0, self.line)
            elif c in "\"'":
                text, col = self.string()
                alt.items.append(("term", text, col))
            elif c == "[":
                alt.weight = self.number()
            else:
                name, col = self.symbol()
                alt.items.append(("sym", name, col))
        yield alt


@dataclass
class _Heads:
    """What a first reading of a grammar's lines finds: each rule's line (number, text, and
    where its alternatives start: continuation lines too, as ``lhs`` None), the symbols
    defined (in the order first defined), ``%start`` and the directives' lines."""

    rules: list[tuple[int, str, int, str | None]] = field(default_factory=list)
    first_line: dict[str, tuple[int, int]] = field(default_factory=dict)
    start: tuple[str, int, int] | None = None
    inv_lines: list[tuple[int, str]] = field(default_factory=list)
    dir_lines: list[tuple[int, str]] = field(default_factory=list)
    exp_lines: list[tuple[int, str]] = field(default_factory=list)
    # per ``%lexicon`` line (its number): the file read and its entries (line, text)
    lexicons: dict[int, tuple[str, list[tuple[int, str]]]] = field(default_factory=dict)


def parse_grammar(
    text: str, *, source: str = "<grammar>", base: str | os.PathLike[str] | None = None
) -> Grammar:
    """Parse and check a grammar; ``UsageError`` names file, line, column and what was expected.
    ``base``: the folder a ``%lexicon``'s file is found in (None: the current folder).

    Two readings: the first finds the rules' left-hand sides (a symbol may be used before
    the line defining it), the second compiles each line's alternatives as it reads them,
    so the grammar is held once, as productions (a 13 MB grammar held every alternative
    as parsed items too, at once: 610 MB, then 307 MB kept)."""
    notes: list[str] = []
    # (a byte-order mark is no character of the grammar: a file's is dropped as it is read,
    # ``core.textfile``; a notebook's ``open(f, encoding="utf-8").read()`` of Notepad's file
    # keeps it, and the text was refused "expected a symbol name, found '\ufeff%start'")
    text = text.removeprefix("\ufeff")
    heads = _read_heads(text, source, notes, Path(base) if base is not None else Path())
    if not heads.rules:
        raise UsageError("the grammar has no rules (expected lines like: S -> 'a' B)", path=source)
    grammar = _compile(heads, source, notes)
    grammar.warnings[:0] = notes
    return grammar


def _read_heads(text: str, source: str, notes: list[str], base: Path) -> _Heads:
    heads = _Heads()
    for n, raw in enumerate(file_lines(text), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        lex = _Lexer(raw, n, source, notes)
        if stripped.startswith("%"):
            lex.skip()
            lex.i += 1
            word, _ = lex.symbol()
            if word == "start":
                name, col = lex.symbol()
                heads.start = (name, n, col)
            elif word == "invariant":
                heads.inv_lines.append((n, raw))
            elif word == "directional":
                heads.dir_lines.append((n, raw))
            elif word == "expect":
                heads.exp_lines.append((n, raw))
            elif word == "lexicon":
                name, col = lex.symbol()
                path, entries = _lexicon_of(lex, base)
                heads.lexicons[n] = (path, entries)
                heads.rules.append((n, raw, -1, name))
                heads.first_line.setdefault(name, (n, col))
            else:
                raise lex.error(
                    f"unknown directive %{word}; expected %start, %invariant, %directional, "
                    "%expect or %lexicon",
                    0,
                )
            continue
        if stripped.startswith("|"):
            if not heads.rules:
                raise lex.error("a continuation line ('|') needs a rule above it")
            lex.skip()
            heads.rules.append((n, raw, lex.i + 1, None))
            continue
        lhs, col = lex.symbol()
        lex.skip()
        if not lex.text.startswith("->", lex.i):
            printed = stripped.startswith("Grammar with ") and "productions" in stripped
            raise lex.error(
                f"expected '->' after {lhs!r}{odd_char_hint(lex.text[lex.i : lex.i + 1])}"
                + (
                    "; this is str() of an NLTK grammar: give the grammar itself (Python: "
                    "grammar=nltk.CFG.fromstring(...)) or the text it was read from"
                    if printed
                    else ""
                )
            )
        heads.rules.append((n, raw, lex.i + 2, lhs))
        heads.first_line.setdefault(lhs, (n, col))
    return heads


def _lexicon_of(lex: _Lexer, base: Path) -> tuple[str, list[tuple[int, str]]]:
    """``%lexicon NAME FILE``'s file (after its name: quoted, or a word) read: its path and
    entries."""
    lex.skip()
    col = lex.i
    if lex.at_end():
        raise lex.error("expected a file after the symbol (%lexicon NAME FILE)")
    if lex.peek() in "\"'":
        name, _ = lex.string()
    else:
        m = re.compile(r"\S+").match(lex.text, lex.i)
        assert m is not None
        name = m.group(0)
        lex.i = m.end()
    if not lex.at_end():
        raise lex.error("expected the end of the line after the file (quote a path with spaces)")
    return read_lexicon(name, base, where=(lex.path, lex.line, col + 1), longest=LONGEST_TERMINAL)


def _refuse_overflowing(
    alternatives: Sequence[Sequence[int]],
    weights: Sequence[float],
    names: Sequence[str],
    first_line: dict[str, tuple[int, int]],
    source: str,
) -> None:
    """Refuse the first symbol whose weights add up beyond the largest number: its draws
    would divide by infinity (two weights of 1e308)."""
    for s, prods in enumerate(alternatives):
        if not math.isfinite(sum(weights[p] for p in prods)):
            line, col = first_line[names[s]]
            raise UsageError(
                f"the weights of {names[s]!r} add up beyond the largest number (about "
                "1.8e308); weights are relative: scale them down",
                path=source,
                line=line,
                column=col + 1,
            )


def _compile(heads: _Heads, source: str, notes: list[str]) -> Grammar:
    names = list(heads.first_line)
    ids = {name: k for k, name in enumerate(names)}
    first_line = heads.first_line
    productions: list[tuple[int, tuple[Item, ...]]] = []
    weights: list[float] = []
    lines: list[int] = []
    # each symbol's productions: a range while they follow on (no int held per production)
    alternatives: list[Sequence[int]] = [range(0) for _ in names]
    seen: list[set[tuple[Item, ...]]] = [set() for _ in names]  # each symbol's alternatives
    # the weight and line of each alternative weighted otherwise than 1 (few: a repeat is
    # checked against it without holding a weight per alternative)
    weighted: dict[tuple[int, tuple[Item, ...]], tuple[float, int]] = {}
    tokens: list[tuple[str, int, int]] = []  # terminals split as a treebank writes them
    s = -1
    for n, raw, at, lhs in heads.rules:
        if lhs is not None:
            s = ids[lhs]
        lex = _Lexer(raw, n, source, notes)
        lex.i = at
        listed = heads.lexicons.get(n) if at < 0 else None
        each = (
            lex.each_alternative()
            if listed is None
            else (_Alt([("term", word, 0)], 1.0, n) for _, word in listed[1])
        )
        for alt in each:
            items: list[Item] = []
            for kind, value, col in alt.items:
                if kind == "term":
                    if word := value.strip():
                        items.append(word)
                        if word[0] in TOKEN_FIRST and len(tokens) < 64 and is_split_token(word):
                            tokens.append((word, alt.line, col + 1))
                    continue
                if value not in ids:
                    raise UsageError(
                        f"unknown symbol {value!r}: no rule defines it"
                        f"{did_you_mean(value, names)} (symbols defined: "
                        f"{', '.join(names[:12])}{', ...' if len(names) > 12 else ''}); "
                        "quote it if it is a word",
                        path=source,
                        line=alt.line,
                        column=col + 1,
                    )
                items.append(ids[value])
            key = tuple(items)
            if key in seen[s]:  # a repeated alternative adds nothing: said if its weight differs
                kept = weighted.get((s, key))
                if kept is None and alt.weight != 1.0:  # (rare: its line looked up)
                    at = next(p for p in alternatives[s] if productions[p][1] == key)
                    kept = (1.0, lines[at])
                _repeated_weight(notes, source, alt, names[s], kept)
                continue
            seen[s].add(key)
            if alt.weight != 1.0:
                weighted[(s, key)] = (alt.weight, alt.line)
            _add(alternatives, s, len(productions))
            productions.append((s, key))
            weights.append(alt.weight)
            lines.append(alt.line)
    del seen, weighted
    if tokens:
        notes.append(split_tokens_note(tokens, source))
    if not math.isfinite(sum(weights)):  # (a symbol's draws need its weights' sum)
        _refuse_overflowing(alternatives, weights, names, first_line, source)
    start = heads.start
    # the first rule's left-hand side: a lexicon's symbol only when nothing else is written
    # as a rule (a list of names is a slot of a template, not the sentence)
    ruled = [lhs for _, _, at, lhs in heads.rules if lhs is not None and at >= 0]
    start_id = ids[ruled[0]] if ruled else 0
    if start is not None:
        if start[0] not in ids:
            raise UsageError(
                f"%start names {start[0]!r}, which no rule defines",
                path=source,
                line=start[1],
                column=start[2] + 1,
            )
        start_id = ids[start[0]]
    g = Grammar(
        names=names,
        productions=productions,
        weights=weights,
        alternatives=alternatives,
        start=start_id,
        source=source,
        lines=lines,
    )
    inf = 10**9
    stuck = [s for s in range(len(names)) if g.height[s] >= inf]
    if stuck:
        # point at a symbol that derives itself (the loop), else at the first stuck one
        loops = [t for t in stuck if any(t in g.productions[p][1] for p in g.alternatives[t])]
        s = (loops or stuck)[0]
        line, col = first_line[names[s]]
        raise UsageError(
            f"symbol {names[s]!r} can never finish deriving: every alternative leads back to "
            f"symbols that never reach words ({', '.join(names[t] for t in stuck)}); "
            "expected an alternative made of words or finishing symbols",
            path=source,
            line=line,
            column=col + 1,
        )
    reach = _reachable(g)
    for s in range(len(names)):
        if s not in reach:
            line, _ = first_line[names[s]]
            g.warnings.append(
                f"{source}:{line}: symbol {names[s]!r} is unreachable from {names[start_id]!r}"
            )
    cycle = _cycle(g, reach)
    if cycle:
        g.infinite = True
        g.cycle = tuple(names[t] for t in cycle)
        line, _ = first_line[names[cycle[0]]]
        g.warnings.append(
            f"{source}:{line}: the language is infinite (a symbol derives itself: "
            f"{cycle_text(g)}); generation is depth-bounded and exhaustive enumeration is "
            "unavailable"
        )
    for n, raw in heads.inv_lines:
        g.invariants.append(_invariant(g, raw, n, source))
    for n, raw in heads.dir_lines:
        g.directionals.append(_directional(g, raw, n, source))
    for n, raw in heads.exp_lines:
        g.expectations.append(_expectation(g, raw, n, source))
    g.lexicons = [path for path, _ in heads.lexicons.values()]
    return g


def _repeated_weight(
    notes: list[str], source: str, alt: _Alt, name: str, kept: tuple[float, int] | None
) -> None:
    """A warning for an alternative of ``name`` written again with another weight than the
    one kept (``kept``: its weight and line; None: a weight of 1, as this one's): one,
    its first weight used; the later one was dropped without a word (NLTK lists both)."""
    weight, line = kept if kept is not None else (1.0, 0)
    if alt.weight == weight:
        return
    shown = " ".join(_quote(v) if k == "term" else v for k, v, _ in alt.items) or _EMPTY
    notes.append(
        f"{source}:{alt.line}: {name} -> {shown} [{alt.weight:g}] repeats line {line}'s "
        "alternative "
        f"{shown} [{weight:g}]: they are one alternative of weight {weight:g} (a repeated "
        "alternative is not added again, nor is its weight); write it once with the weight "
        "meant"
    )


def _add(alternatives: list[Sequence[int]], s: int, p: int) -> None:
    """Production ``p`` added to symbol ``s``'s: a range grown while they follow on, a list
    from the first that does not."""
    alts = alternatives[s]
    if isinstance(alts, range):
        if not alts:
            alternatives[s] = range(p, p + 1)
        elif alts.stop == p:
            alternatives[s] = range(alts.start, p + 1)
        else:
            alternatives[s] = [*alts, p]
    else:
        assert isinstance(alts, list)
        alts.append(p)


def reachable_symbols(g: Grammar) -> set[int]:
    """The symbols some sentence of ``g`` can derive (its start symbol's reach)."""
    return _reachable(g)


def _reachable(g: Grammar) -> set[int]:
    seen = {g.start}
    todo = [g.start]
    while todo:
        s = todo.pop()
        for p in g.alternatives[s]:
            for it in g.productions[p][1]:
                if isinstance(it, int) and it not in seen:
                    seen.add(it)
                    todo.append(it)
    return seen


def _cycle(g: Grammar, reach: set[int]) -> list[int]:
    """A reachable symbol deriving itself, as the rules go round (``[a, b, a]``: ``a``'s
    alternatives hold ``b``, whose hold ``a``), else [].  A depth-first search with its own
    stack (a chain of thousands of rules exceeded Python's recursion limit: exit 5)."""
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    for root in sorted(reach):
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(_symbols_of(g, root)))]
        while stack:
            s, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[s] = 2
                stack.pop()
            elif state.get(child) == 1:
                path = [t for t, _ in stack]
                return [*path[path.index(child) :], child]
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(_symbols_of(g, child))))
    return []


def cycle_text(g: Grammar, longest: int = 8) -> str:
    """``g.cycle`` as the rules go round, ``a -> b -> a`` (its first ``longest`` symbols)."""
    shown = list(g.cycle[:longest]) + (["..."] if len(g.cycle) > longest else [])
    return " -> ".join(shown)


def _symbols_of(g: Grammar, s: int) -> list[int]:
    """The symbols in the alternatives of ``s``, in order."""
    return [it for p in g.alternatives[s] for it in g.productions[p][1] if isinstance(it, int)]


def _directive_head(g: Grammar, raw: str, n: int, source: str) -> tuple[_Lexer, int]:
    lex = _Lexer(raw, n, source)
    lex.skip()
    lex.i += 1
    lex.symbol()
    name, col = lex.symbol()
    if name not in g.names:
        raise lex.error(
            f"unknown symbol {name!r} in the directive{did_you_mean(name, g.names)}", col
        )
    return lex, g.names.index(name)


def _match_alt(g: Grammar, s: int, alt: _Alt, lex: _Lexer) -> int:
    items: list[Item] = []
    for kind, value, col in alt.items:
        if kind == "term":
            if value.strip():
                items.append(value.strip())
        elif value in g.names:
            items.append(g.names.index(value))
        else:
            raise lex.error(f"unknown symbol {value!r}{did_you_mean(value, g.names)}", col)
    for a, p in enumerate(g.alternatives[s]):
        if g.productions[p][1] == tuple(items):
            return a
    col = alt.items[0][2] if alt.items else 0
    # (as written: a terminal quoted, a symbol bare)
    shown = " ".join(_quote(v) if k == "term" else v for k, v, _ in alt.items) or _EMPTY
    raise lex.error(f"{shown} is not an alternative of {g.names[s]!r}", col)


def _invariant(g: Grammar, raw: str, n: int, source: str) -> Invariant:
    lex, s = _directive_head(g, raw, n, source)
    alts: Sequence[int]
    if lex.at_end():
        alts = range(len(g.alternatives[s]))  # (every one: no int held per alternative)
    else:
        if lex.peek() != ":":
            raise lex.error("expected ':' and alternatives, or the end of the line")
        lex.i += 1
        alts = tuple(_match_alt(g, s, a, lex) for a in lex.alternatives())
    if len(alts) < 2:
        raise lex.error(
            f"an invariance class needs two alternatives; {g.names[s]!r} has {len(alts)} "
            "(alternatives written alike, or alike once the whitespace at a terminal's ends "
            "is dropped, are one)",
            0,
        )
    return Invariant(symbol=s, alternatives=alts, line=n)


def _directional(g: Grammar, raw: str, n: int, source: str) -> Directional:
    lex, s = _directive_head(g, raw, n, source)
    if lex.peek() != ":":
        raise lex.error("expected ':' after the symbol (%directional NAME: ALT -> ALT EXPECT)")
    lex.i += 1
    rest = lex.text[lex.i :]
    arrow = rest.find("->")
    if arrow < 0:
        raise lex.error("expected 'ALT -> ALT EXPECT'")
    left = _Lexer(lex.text[: lex.i + arrow], n, source)
    left.i = lex.i
    src_alts = left.alternatives()
    lex.i += arrow + 2
    after = lex.text[lex.i :]  # where the target alternative starts (named by an error)
    target_at = lex.i + len(after) - len(after.lstrip())
    right_items: list[tuple[str, str, int]] = []
    words: list[tuple[str, int]] = []
    while not lex.at_end():
        c = lex.peek()
        if c in "\"'":
            text, col = lex.string()
            right_items.append(("term", text, col))
        else:
            m = re.compile(r"\S+").match(lex.text, lex.i)
            assert m is not None
            words.append((m.group(0), lex.i))
            lex.i = m.end()
    # symbols before the expectation word belong to the target alternative
    k = next((i for i, (w, _) in enumerate(words) if w in EXPECTATIONS), None)
    if k is None:  # (at the first word that is no symbol: "sideways" in "-> 'c' sideways")
        odd = next((c for w, c in words if w not in g.names), None)
        raise lex.error(f"expected an expectation: {', '.join(EXPECTATIONS)}", odd)
    right_items += [("sym", w, c) for w, c in words[:k]]
    right_items.sort(key=lambda t: t[2])
    expect = words[k][0]
    tail = words[k + 1 :]
    label: str | None = None
    label_column: int | None = None
    tolerance = 0.0
    if expect in ("up", "down", "not-up", "not-down"):
        if not tail:
            raise lex.error(f"'{expect}' needs a class name after it")
        label, label_column, tail = tail[0][0], tail[0][1] + 1, tail[1:]
    if tail:
        try:
            tolerance = float(tail[0][0])
        except ValueError:
            raise lex.error(
                f"expected a tolerance (a number), found {tail[0][0]!r}", tail[0][1]
            ) from None
        if expect == "flip" and tolerance != 0.0:  # (0: as runs stored 2026-12-02 to 12-06
            # wrote every flip test, read back to verify or resume them)
            raise lex.error("'flip' takes no tolerance (the label changes or not)", tail[0][1])
        if not 0.0 <= tolerance <= 1.0:  # also NaN
            # how far a probability must move (or may move the wrong way: not-up, not-down)
            what = "may move the wrong way" if expect.startswith("not-") else "must move"
            raise lex.error(
                f"the tolerance is how far a probability {what}, from 0 to 1, not {tail[0][0]}",
                tail[0][1],
            )
    source_alt = _match_alt(g, s, src_alts[0], lex)
    target_alt = _match_alt(g, s, _Alt(right_items, 1.0, n), lex)
    if source_alt == target_alt:  # no edit: the prediction can never move
        fate = "no case could fail" if expect.startswith("not-") else "every case would fail"
        raise lex.error(
            f"the edit replaces {g.names[s]}'s alternative by itself, so the prediction could "
            f"never move and {fate}; name two different alternatives",
            target_at,
        )
    if tolerance == 1.0 and expect != "flip":
        said = f"%directional {g.names[s]}: ... {expect}{f' {label}' if label else ''} 1"
        g.warnings.append(_useless_tolerance(f"{source}:{n}: {said}", expect))
    return Directional(s, source_alt, target_alt, expect, label, tolerance, n, label_column)


def _useless_tolerance(where: str, expect: str) -> str:
    """A tolerance of 1 decides every case before it is asked: a probability moves at most
    1 (from 1 to 0), so ``up``/``down``/``away``, which must move by more than the tolerance,
    always fail, and ``not-up``/``not-down``, which may move the wrong way by up to it, never
    do.  Legal, never useful: said on load."""
    if expect.startswith("not-"):
        fate = "no case can fail (a probability cannot move the wrong way by more than 1)"
    else:
        fate = "every case fails (a probability moves at most 1, from 1 to 0, never by more)"
    return f"{where}: a tolerance of 1 means {fate}; a tolerance below 1 makes it a test"


def _expectation(g: Grammar, raw: str, n: int, source: str) -> Expectation:
    """``%expect NAME -> CLASS``, ``%expect NAME -> not CLASS``, ``%expect NAME: ALT | ALT ->
    CLASS`` (the class bare or quoted; its arrow is the line's last, after the alternatives)."""
    lex, s = _directive_head(g, raw, n, source)
    comment = _comment_at(lex.text, lex.i)
    arrow = lex.text.rfind("->", lex.i, comment)
    if arrow < 0:
        raise lex.error(
            "expected '-> CLASS' (%expect NAME -> CLASS, or %expect NAME: ALT | ALT -> CLASS)",
            comment,
        )
    head = _Lexer(lex.text[:arrow], n, source)
    head.i = lex.i
    alts: Sequence[int]
    if head.at_end():
        alts = range(len(g.alternatives[s]))  # (every one: no int held per alternative)
    else:
        if head.peek() != ":":
            raise head.error("expected ':' and alternatives, or '-> CLASS'")
        head.i += 1
        alts = tuple(_match_alt(g, s, a, head) for a in head.alternatives())
    lex.i = arrow + 2
    words: list[tuple[str, int]] = []
    while not lex.at_end():
        if lex.peek() in "\"'":
            at = lex.i
            words.append((lex.string()[0], at))
            continue
        m = re.compile(r"[^\s#]+").match(lex.text, lex.i)
        assert m is not None
        words.append((m.group(0), lex.i))
        lex.i = m.end()
    negated = len(words) == 2 and words[0][0] == "not" and lex.text[words[0][1]] == "n"
    if negated:
        words = words[1:]
    if not words:
        raise lex.error("expected the class a sentence must get after '->'")
    if len(words) > 1:
        raise lex.error(
            f"expected one class after '->' (or 'not CLASS'), found {words[1][0]!r} after it; "
            "quote a class holding spaces",
            words[1][1],
        )
    label, col = words[0]
    return Expectation(s, alts, label, n, negated, col + 1)


def _comment_at(text: str, i: int) -> int:
    """Where the line's comment starts (a ``#`` outside quotes), from ``i``; its end if none."""
    quote = ""
    j = i
    while j < len(text):
        c = text[j]
        if quote and c == "\\":
            j += 1  # (an escaped quote does not close it)
        elif quote and c == quote:
            quote = ""
        elif not quote and c in "\"'":
            quote = c
        elif not quote and c == "#":
            return j
        j += 1
    return len(text)


def load_grammar(path: str | os.PathLike[str] | Sequence[str]) -> Grammar:
    """Read and check a grammar file (or a built-in grammar: ``builtin:reviews``)."""
    spec = os.fspath(path) if isinstance(path, os.PathLike) else path
    if isinstance(spec, str) and spec.startswith("builtin:"):
        from assay.text.builtin_grammars import builtin_grammar_path

        p = builtin_grammar_path(spec.split(":", 1)[1])
    elif isinstance(spec, str):
        p = Path(spec)
    else:
        raise UsageError(
            "a grammar is a file path or builtin:NAME (in Python also its text, a Grammar, or "
            f"an NLTK CFG/PCFG), not {type(spec).__name__}",
            argument="--grammar",
        )
    try:
        text = read_text_file(p, what="the grammar file", argument="--grammar")
    except FileNotFoundError:
        from assay.text.builtin_grammars import BUILTIN_GRAMMARS

        # ("reviews": a built-in grammar's name without its prefix, hostile49)
        named = f"; did you mean builtin:{spec}?" if spec in BUILTIN_GRAMMARS else ""
        raise UsageError(
            f"no such grammar file: {p}{named}", argument="--grammar", path=str(p)
        ) from None
    except OSError as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(
            f"cannot read the grammar: {reason}", argument="--grammar", path=str(p)
        ) from None
    try:
        return parse_grammar(text, source=str(spec), base=p.parent)
    except UsageError as exc:
        if exc.argument is not None or type(exc) is not UsageError:
            raise
        # (named as the file's encoding is: ``argument --grammar; FILE:LINE:COL: ...``)
        raise UsageError(
            exc.bare_message, argument="--grammar", path=exc.path, line=exc.line, column=exc.column
        ) from None
