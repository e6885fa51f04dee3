"""``setup_text``: the grammar and the classifiers loaded, the labels aligned, the test
built; ``setup_from_record``: the same from a stored run (resume, verify); and the
fingerprints a resume checks.  Part of the text technique's shell."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assay.core.calls import DEFAULT_CALL_TIMEOUT
from assay.core.integrity import LABEL_MAP_PRINT, file_fingerprint, model_fingerprint
from assay.core.out_of_memory import says_out_of_memory
from assay.core.paths import absolute_spec
from assay.core.redact import redact_text, specs_given_again
from assay.core.runinfo import imported_so, stored_serving
from assay.core.served_answers import kept_probe
from assay.core.workdir import holding
from assay.errors import UsageError
from assay.text.floor import suite_floor
from assay.text.generate import Sampler
from assay.text.grammar import Grammar, load_grammar, parse_grammar
from assay.text.index_labels import map_labels
from assay.text.label_map_dict import KeptLabelMap, checked_label_map
from assay.text.lag import lag_from
from assay.text.loading import load_classifiers, name_of, outputs_per_classifier, with_mapped
from assay.text.nltk_grammar import nltk_text
from assay.text.oracle import refuse_unreachable
from assay.text.panel import Panel, build_layout, load_label_map
from assay.text.pipeline import lanes_from
from assay.text.repeated_tests import refuse_repeated
from assay.text.setup import TextSetup
from assay.text.sizes import refuse_long_sentences
from assay.text.spacing import joined_as, of_run
from assay.text.spacing import rule as spacing_rule
from assay.text.strategies import DEFAULT_STRATEGY
from assay.text.technique import TextTest
from assay.text.verify_terms import labels_refused, said_names, verified_specs

__all__ = ["setup_from_record", "setup_text", "text_fingerprints"]


def _grammar_text(given: str) -> bool:
    """Whether ``grammar=`` is a grammar's text rather than a file's name: several lines, or
    one rule (``'S -> "yes" | "no"'``) that names no file."""
    if "\n" in given:
        return True
    return "->" in given and not given.startswith("builtin:") and not Path(given).exists()


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if names.count(n) > 1:
            seen[n] = seen.get(n, 0) + 1
            out.append(f"{n}#{seen[n]}")
        else:
            out.append(n)
    return out


@says_out_of_memory(
    "the grammar or classifiers", grammar="--grammar", label_map="--label-map", models="MODEL"
)
@holding  # (the caller's folder kept while the models load: core.workdir)
def setup_text(
    models: Any,
    *,
    grammar: Grammar | str | os.PathLike[str] | None = None,
    oracle: str = "differential",
    label_map: str | os.PathLike[str] | dict[int, dict[str, str]] | None = None,
    strategy: str = DEFAULT_STRATEGY,
    mode: str = "top1",
    top_k: int = 2,
    threshold: float = 0.5,
    max_depth: int = 24,
    names: Sequence[str] | None = None,
    model_type: str | None = None,
    allow_pickle: bool = False,
    trust: Sequence[str] = (),
    batch: int = 256,
    shrink: bool = True,
    weighted: bool = True,
    serving: Any = None,
    lanes: int | None = None,
    output: str | Sequence[str | None] | None = None,
    max_queries: int | None = None,
    answered_labels: Sequence[Sequence[str] | None] | None = None,
    probe_replay: Sequence[Any] | None = None,
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
    rounds: int | None = None,
    floor: int | None = None,
    stored: bool = False,
    added_map: str | os.PathLike[str] | dict[int, dict[str, str]] | None = None,
    common: Sequence[str] | None = None,
) -> TextSetup:
    """Load the classifiers and the grammar, align the labels, and check it all fits.

    ``grammar``: a file, ``builtin:NAME``, a ``Grammar`` or a grammar's text (a string of
    several lines).

    ``serving``: how to talk to served classifiers (``assay.models.http.ServingOptions`` or
    its JSON form): batch size, concurrency, timeout, retries, header variables.
    ``lanes``: walks of many walkers split into that many lanes taking turns, so that the
    classifiers answer one while the search works on the other (default 1, or
    ``$ASSAY_TEXT_LANES``; ``text.pipeline``): more of the time inside the classifiers,
    different (not worse by design, but measured worse on the tweets pair) findings.
    ``rounds``: rounds of a walk per step, each but the last shrinking its errors while the
    next is drafted (default 1, or ``$ASSAY_TEXT_LAG``; ``text.lag``): less waiting for the
    classifiers, other findings (the next round steered by what is known when drafted).

    ``floor``: random cases per test an ``--oracle suite`` run draws before its search, by
    derivations steered to reach each test (``text.floor``; at most a quarter of the budget),
    then an eighth of every round beside the search for the tests short of their share;
    None: ``FLOOR_CASES`` for a suite, 0 (none) for any other oracle.

    ``output``: the output to read of an ONNX graph or an Open Inference Protocol endpoint
    with several (default: an ONNX graph's probabilities, an endpoint's first): one name
    for one classifier, else one per classifier in order, ``None`` or ``"-"`` for a
    classifier's default (the CLI's ``--output``, repeated).

    ``max_queries``: the run's query budget, which counts loading's sentences (2 asked of a
    classifier loaded from a file, a function or an endpoint to learn what it answers, and up
    to 64 more of one answering labels by name undeclared): loading never asks more, and is
    refused (exit 2) when it would leave no query for the search (``check_text`` passes its
    own).  ``answered_labels``: a resumed run's (``setup_from_record``): per classifier, the
    labels its first session read off the answers, not asked for again; ``probe_replay``:
    its classifiers' answers to loading's probe (``TextSetup.probe_answers``), not asked for
    again either.  ``call_timeout``: seconds each of loading's calls may take (the run's
    ``--call-timeout``)."""
    from assay.models.http import ServingOptions

    serving_opts = (
        serving
        if isinstance(serving, ServingOptions) or serving is None
        else ServingOptions.from_json(serving)
    )

    specs = list(models) if isinstance(models, list | tuple) else [models]
    if not specs or any(s is None for s in specs):
        raise UsageError("give one or more classifiers (MODEL ...)", argument="MODEL")
    if grammar is None:
        raise UsageError(
            "give a grammar: --grammar FILE (or builtin:reviews)", argument="--grammar"
        )
    if isinstance(grammar, str) and _grammar_text(grammar):  # a grammar's text (a notebook's)
        grammar = parse_grammar(grammar, source="the grammar text")
    elif (text := nltk_text(grammar)) is not None:  # nltk.CFG.fromstring(...)
        grammar = parse_grammar(text, source="the NLTK grammar")
    the_grammar = grammar if isinstance(grammar, Grammar) else load_grammar(grammar)
    chosen = outputs_per_classifier(output, len(specs))
    probes: list[Any] = []
    sampler = Sampler(the_grammar, max_depth=max_depth)  # (checks --max-depth first)
    # (loading draws its sentences by the weights; the search by them or alike, --uniform)
    for by_weight in {True, weighted}:
        refuse_long_sentences(
            the_grammar, max_depth, weighted=by_weight, max_queries=max_queries, stored=stored
        )
    guessed = list(names) if names is not None else [name_of(s, i) for i, s in enumerate(specs)]
    mapped = map_labels(label_map, guessed)
    for k, added in map_labels(added_map, guessed).items():
        mapped.setdefault(k, []).extend(added)
    loaded, asked = load_classifiers(
        specs,
        sampler,
        chosen=chosen,
        model_type=model_type,
        allow_pickle=allow_pickle,
        trust=trust,
        serving=serving_opts,
        oracle=oracle,
        mode=mode,
        top_k=top_k,
        alone=label_map is not None,
        max_queries=max_queries,
        answered=answered_labels,
        probes=probes,
        replay=probe_replay,
        call_timeout=call_timeout,
        mapped=mapped,
    )
    the_names = (
        list(names) if names is not None else _unique([name_of(s, i) for i, s in enumerate(specs)])
    )
    if len(the_names) != len(loaded):
        raise UsageError(f"{len(the_names)} names for {len(loaded)} classifiers", argument="names")
    # a classifier's name heads its columns of the findings and its line in the label map:
    # two of one name would merge their columns, a blank one would print as nothing
    blank = [i for i, n in enumerate(the_names) if not str(n).strip()]
    if blank:
        raise UsageError(f"the name of classifier {blank[0] + 1} is blank", argument="names")
    twice = sorted({str(n) for n in the_names if list(map(str, the_names)).count(str(n)) > 1})
    if twice:
        raise UsageError(
            f"two classifiers are named {twice[0]!r}; each needs its own name", argument="names"
        )
    mapping: dict[int, dict[str, str]] | None
    if label_map is None:
        mapping = None
    elif isinstance(label_map, dict):  # (the API's; a resumed run's, as it was kept)
        mapping = checked_label_map(label_map, loaded, the_names)
    else:
        mapping = load_label_map(label_map, loaded, the_names)
    if added_map is not None:  # (a resume's lines added to the run's map: label_map_added)
        from assay.text.label_map_added import merged_label_map

        more = (
            checked_label_map(added_map, loaded, the_names)
            if isinstance(added_map, dict)
            else load_label_map(added_map, loaded, the_names)
        )
        mapping = merged_label_map(
            mapping, more, the_names, list(common or ()),
            where="label_map" if isinstance(added_map, dict) else str(added_map),
            argument="label_map" if isinstance(added_map, dict) else "--label-map",
        )  # fmt: skip
    if mapping:  # (labels a map names that a classifier read off its answers had not said)
        loaded = with_mapped(loaded, mapping)
    layout = build_layout(loaded, the_names, mapping, differential=oracle == "differential")
    the_grammar.name_classes_as(layout.common)  # (a class in NFD, labels in NFC: one)
    test = TextTest(
        grammar=the_grammar,
        layout=layout,
        oracle=oracle,
        mode=mode,
        top_k=top_k,
        threshold=threshold,
        strategy=strategy,
        max_depth=max_depth,
        batch=batch,
        shrink=shrink,
        weighted=weighted,
        lanes=lanes_from(lanes),
        rounds=lag_from(rounds),
        floor=suite_floor(floor, oracle, strategy),
        spacing=spacing_rule(),  # (a stored run's: ``setup_from_record``)
        source={"models": [s if isinstance(s, str) else None for s in specs]},
    ).validate()
    if not stored:  # (a stored run is replayed, resumed and shown as it was made)
        oracle_now = test.make_oracle(Sampler(test.grammar, max_depth=test.max_depth))
        refuse_unreachable(oracle_now, test.grammar, test.max_depth)
        refuse_repeated(test.grammar, oracle)
    invocation: dict[str, Any] = {
        # paths as absolute: a resume may run in another directory
        "models": [absolute_spec(s) if isinstance(s, str) else None for s in specs],
        "grammar": absolute_spec(grammar) if isinstance(grammar, str | os.PathLike) else None,
        "oracle": oracle,
        "label_map": mapping,
        "strategy": strategy,
        "mode": mode,
        "top_k": top_k,
        "threshold": threshold,
        "max_depth": max_depth,
        "names": the_names,
        "model_type": model_type,
        "allow_pickle": allow_pickle,
        "trust": list(trust),
        "batch": batch,
        "shrink": shrink,
        "weighted": weighted,
        "lanes": test.lanes,
    }
    if test.rounds != 1:  # ($ASSAY_TEXT_LAG: a resumed run keeps it)
        invocation["rounds"] = test.rounds
    if test.floor:  # (a resumed run keeps it; one stored before had none)
        invocation["floor"] = test.floor
    if any(o is not None for o in chosen):
        invocation["output"] = chosen
    if serving_opts is not None:
        invocation["serving"] = serving_opts.to_json()  # header variable names, never values
    return TextSetup(
        test=test,
        model=Panel(loaded, the_names, layout),
        names=the_names,
        invocation=invocation,
        loading=asked,
        probe_answers=probes,
        label_map_file=(
            str(Path(label_map).resolve()) if isinstance(label_map, str | os.PathLike) else None
        ),
    )


def setup_from_record(
    record: Any,
    *,
    model: Any = None,
    allow_pickle: bool = False,
    resumed: bool = False,
    label_map: str | os.PathLike[str] | dict[Any, dict[str, str]] | None = None,
    verify_lines: tuple[str, str] | None = None,
    added_map: str | os.PathLike[str] | dict[int, dict[str, str]] | None = None,
) -> TextSetup:
    """Rebuild a stored text run's setup (grammar, oracle, classifiers) from its record;
    ``model``: classifiers in place of the stored ones (URLs given again, as for resume, or
    the classifiers themselves; to verify, one spec per classifier too); ``allow_pickle``:
    this caller's consent (the stored run's is never reused).  ``resumed``: to continue the
    run, with its classifiers: the labels its first session read off their answers are the
    stored layout's, not asked for again (a resumed session's loading counts within the
    run's query budget).  ``label_map``: to verify, a map of the classifiers' labels as they
    answer now in place of the run's; ``verify_lines``: the command (or call) that verifies
    the run, and the one that does so with such a map, said when what is given is refused;
    ``added_map``: a resume's lines added to the run's map (``text.label_map_added``)."""
    from assay.text.grammar import parse_grammar

    if record.technique != "text":
        raise UsageError(f"run {record.id} is a {record.technique} run", argument="RUN_ID")
    inv = dict(record.config.get("invocation", {}))
    stored = inv.get("models")
    lines = verify_lines or (
        imported_so(record.config, f"assay verify {record.id}"),
        imported_so(record.config, f"assay verify {record.id} --label-map FILE"),
    )
    if stored and not resumed:  # (to verify: others in place of the run's, one for each)
        model = verified_specs(stored, model, run_id=record.id, again=lines[0])
    # a URL's credentials were never stored: given again (--model URL) in its place
    specs = specs_given_again(stored, model, run_id=record.id) if stored else model
    if specs is None or any(s is None for s in specs):
        raise UsageError(
            f"run {record.id} was made with in-memory classifiers; pass them again from "
            f"Python (model=[...]: assay.resume_run({record.id!r}, model=[...])); the command "
            "line has no way to give objects",
            argument="RUN_ID",
        )
    # the grammar's text is stored once, in the test's config (runs stored before this kept a
    # copy in the invocation too)
    text = inv.pop("grammar_text", None) or record.config.get("grammar", {}).get("text")
    if not isinstance(text, str):
        raise UsageError(
            f"run {record.id} has no grammar stored; it cannot resume", argument="RUN_ID"
        )
    grammar = parse_grammar(text, source=inv.get("grammar") or "<grammar>")
    numbered = record.config.get("grammar", {}).get("directive_lines")
    if isinstance(numbered, list):  # (runs stored before 2026-12-05: the stored text's lines)
        grammar.renumber(numbered)
    kept = inv.get("label_map")
    if isinstance(kept, dict):  # (checked when the run began: taken as it is)
        kept = KeptLabelMap({int(k): v for k, v in kept.items()})
    try:
        with joined_as(of_run(record.config)):  # (its loading's sentences as it joined them)
            the_setup = setup_text(
                specs,
                grammar=grammar,
                oracle=inv["oracle"],
                label_map=kept if label_map is None else label_map,
                strategy=inv["strategy"],
                mode=inv["mode"],
                top_k=inv["top_k"],
                threshold=inv["threshold"],
                max_depth=inv["max_depth"],
                names=inv["names"],
                model_type=inv.get("model_type"),
                allow_pickle=allow_pickle,
                trust=inv.get("trust", []),
                batch=inv.get("batch", 256),
                shrink=inv.get("shrink", True),
                weighted=inv.get("weighted", True),
                # (an old run's relative --template: its folder's)
                serving=stored_serving(record) if inv.get("serving") is not None else None,
                lanes=inv.get("lanes", 1),
                rounds=inv.get("rounds", 1),
                floor=int(inv.get("floor", 0)),
                output=inv.get("output"),
                stored=True,
                answered_labels=_stored_labels(record) if resumed else None,
                probe_replay=_replayed(record) if resumed else None,
                added_map=added_map,
                common=(record.config.get("layout") or {}).get("common"),
                # the run's deadline per call (a resume's --call-timeout is stored before this)
                call_timeout=(record.config.get("budget") or {}).get(
                    "call_timeout", DEFAULT_CALL_TIMEOUT
                ),
            )
    except UsageError as exc:
        if exc.argument == "MODEL" and model is not None and not resumed:
            raise UsageError(exc.bare_message, argument="--model") from exc  # (verify's)
        if exc.argument != "--label-map" or label_map is not None:
            raise  # (a map given now is refused as given: at its line and column)
        raise labels_refused(
            exc,
            run_id=record.id,
            resumed=resumed,
            kept_map=kept is not None,
            verify_line=lines[1],
            in_place=[
                (str(name), redact_text(spec))
                for name, was, spec in zip(
                    inv.get("names") or [], stored or [], specs or [], strict=False
                )
                if isinstance(spec, str) and absolute_spec(spec) != was
            ],
        ) from exc
    if model is not None and not resumed and stored:  # (others verified in the run's places)
        given = [name_of(spec, k) for k, spec in enumerate(specs)]
        the_setup.said_as = said_names(the_setup.names, stored, specs, given)
    return the_setup


def _stored_labels(record: Any) -> list[list[str]] | None:
    """Each classifier's labels as the run's layout kept them (None: not kept)."""
    labels = (record.config.get("layout") or {}).get("labels")
    if not isinstance(labels, list) or not all(isinstance(x, list) for x in labels):
        return None
    return [[str(v) for v in x] for x in labels]


def text_fingerprints(setup: TextSetup) -> dict[str, Any]:
    """What a resume checks did not change (``core.integrity``): the grammar file's, its
    lexicon files' (``%lexicon``) and each classifier file's contents (.skops, .onnx, a
    callable's .py file).  Built-in grammars are files of the package; built-in classifiers
    and endpoints have no file.  The ``--label-map`` file too, whose fingerprint only a
    rerun's note reads (a resume uses the mapping kept with the run)."""
    from assay.text.builtin_grammars import builtin_grammar_path

    prints: dict[str, Any] = {}
    spec = setup.invocation.get("grammar")
    if isinstance(spec, str):
        path = (
            builtin_grammar_path(spec.split(":", 1)[1])
            if spec.startswith("builtin:")
            else Path(spec)
        )
        if path.is_file():
            prints["grammar"] = file_fingerprint(path)
    # its lexicon files (``%lexicon``): a grammar given as text or a ``Grammar`` has them too
    for k, lexicon in enumerate(setup.test.grammar.lexicons):
        if Path(lexicon).is_file():
            prints["lexicon" if not k else f"lexicon {k + 1}"] = file_fingerprint(lexicon)
    specs = setup.invocation.get("models") or []
    for k, (model, name) in enumerate(zip(setup.model.models, setup.names, strict=True)):
        spec_k = specs[k] if k < len(specs) else None
        got = model_fingerprint(getattr(model, "spec_info", {}) or {}, spec_k)
        if got is not None:
            prints[f"classifier {k + 1} ({name})"] = got
    if setup.label_map_file is not None and Path(setup.label_map_file).is_file():
        prints[LABEL_MAP_PRINT] = file_fingerprint(setup.label_map_file)
    return prints


def _replayed(record: Any) -> list[Any] | None:
    """The run's classifiers' answers to loading's probe, answered from on resume: a served
    classifier's (its answer kept in its info) left out, asked again, so that its answer
    now is compared with the run's (``models.redeployed``: a redeploy since is refused)."""
    answers = record.config.get("loading_answers")
    if not isinstance(answers, list):
        return None
    infos = (record.model or {}).get("classifiers")
    infos = infos if isinstance(infos, list) else []
    return [
        None if k < len(infos) and kept_probe(infos[k]) else answer
        for k, answer in enumerate(answers)
    ]
