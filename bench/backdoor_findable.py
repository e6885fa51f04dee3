"""Which trojaned 8x8 targets can a universal-patch scan find at all? (prints a table; not a test)

Reads ``bench/backdoor_null.py`` dumps (``--dump``: the bench's model scan on each trojaned
MLP, then each found patch and the planted trigger asked on held-out clean digits of other
classes, ``clean_images[200:]``) and prints, per trojaned model: the planted trigger pasted
exactly as in training (``PlantedTrigger.apply``'s box and content) — its held-out flip rate
to the target and the "here" null (48 natural patches of its size cut from clean digits of
other classes, pasted at its box: mean / 90th percentile / max flip rate); the scan's patch
for the target (side, box, where it sits against the trigger's box, its flip rate and its
here p90); the other classes' sides; and where the verdict drops the target (``size``: anomaly
index under 2 and pixel ratio under 4, never checked; ``pixels``: checked, shortcut ratio under
3; ``check``: ratio 3 or more, refused by a later check).  The scan requires a patch sending
``scan_tau`` = 0.95 of its images to stop at a size, and 0.9 held out.

    python bench/backdoor_null.py --cache DIR --side 8 --seeds 11 12 --clean-models 0 \\
        --dump tune8.json
    python bench/backdoor_findable.py tune8.json fresh8.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

TAU = 0.95  # technique.py scan_tau: the share a patch must send for the scan to stop
ANOMALY = 2.0  # technique.py anomaly_threshold
PIXEL_RATIO = 4.0  # technique.py PIXEL_RATIO
SHORTCUT_RATIO = 3.0  # technique.py SHORTCUT_RATIO


def placed(found: list[int], trig: list[int]) -> str:
    """Where the found box sits against the trigger's: exact, inside, overlapping or apart."""
    ft, fl, fs = found[0], found[1], found[2]
    tt, tl, ts = trig[0], trig[1], trig[2]
    if found[:3] == trig[:3]:
        return "exact"
    rows = min(ft + fs, tt + ts) - max(ft, tt)
    cols = min(fl + fs, tl + ts) - max(fl, tl)
    if rows <= 0 or cols <= 0:
        return "apart"
    inside = ft >= tt and fl >= tl and ft + fs <= tt + ts and fl + fs <= tl + ts
    return "inside" if inside else f"overlap {rows * cols}/{ts * ts}"


def dropped(r: dict[str, Any]) -> str:
    """Where the verdict lets the target go (``-``: named)."""
    c = r["target"]
    if r["suspects"] == [c]:
        return "-"
    if c in r["suspects"]:
        return "named with others"
    index = r["index"][c]
    by_pixels = r["pixel_ratio"].get(str(c)) or 0.0
    if index < ANOMALY and by_pixels < PIXEL_RATIO:
        return "size"
    ratio = r["shortcut_ratio"].get(str(c))
    if ratio is not None and ratio < SHORTCUT_RATIO:
        return "pixels"
    return "check"


def row(r: dict[str, Any]) -> str:
    c, trig = r["target"], r["trigger"]
    corner = tuple(r["trigger_box"][:2])
    found = next((f for f in r["rows"] if f["class"] == c), None)
    sides = "".join(
        "-" if f is None else str(f["scan_size"])
        for f in (next((g for g in r["rows"] if g["class"] == k), None) for k in range(10))
    )
    here = f"{trig['here_mean']:.2f} / {trig['here_p90']:.2f} / {trig['here_max']:.2f}"
    if found is None:
        scan = "none found | - | -"
    else:
        where = placed(found["box"], r["trigger_box"])
        box = f"[{found['box'][0]},{found['box'][1]}]"
        scan = f"{found['scan_size']} {box} {where} | {found['flip']:.2f} | {found['here_p90']:.2f}"
    ratio = r["shortcut_ratio"].get(str(c))
    pix = r["pixel_ratio"].get(str(c))
    nums = f"{r['index'][c]:.2f} | {'-' if pix is None else f'{pix:.2f}'}"
    nums += f" | {'-' if ratio is None else f'{ratio:.2f}'}"
    return (
        f"| {r['group']} {corner} s{r['seed']} | {c} | {trig['flip']:.2f} | {here} "
        f"| {trig['flip'] - trig['here_p90']:+.2f} | {scan} | `{sides}` | {nums} | {dropped(r)} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dumps", type=Path, nargs="+")
    args = ap.parse_args()
    print(
        "| model | target | trigger flip | trigger here mean / p90 / max | flip - p90 "
        "| scan: side, box, vs trigger | its flip | its here p90 | sides 0-9 "
        "| index | pixel ratio | shortcut ratio | dropped at |"
    )
    print("|" + "---|" * 13)
    for path in args.dumps:
        results = [r for r in json.loads(path.read_text()) if r["target"] is not None]
        for r in results:
            print(row(r))
        trig = [r["trigger"]["flip"] for r in results]
        missed = [r for r in results if dropped(r) != "-"]
        print(
            f"\n{path}: {len(results)} trojaned; trigger flip {min(trig):.2f}-{max(trig):.2f}, "
            f"{sum(t >= TAU for t in trig)} at or above tau {TAU}; named "
            f"{len(results) - len(missed)}; missed by "
            + ", ".join(
                f"{k} {sum(dropped(r) == k for r in missed)}"
                for k in ("size", "pixels", "check", "named with others")
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
