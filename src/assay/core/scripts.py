"""Characters of scripts written without spaces between words (Chinese, Japanese, Thai, ...),
as regular-expression classes: where a sentence takes no space (``text.spacing``) and where a
report cuts a sentence into pieces to mark what shrinking removed (a character of these is a
piece of its own: "我不喜欢" has no words to split at)."""

from __future__ import annotations

__all__ = ["CJK_MARKS", "UNSPACED"]

# Thai, Lao, Tibetan, Myanmar, Khmer, CJK radicals and symbols, kana, bopomofo, CJK
# ideographs (and their extensions), CJK compatibility and fullwidth forms
UNSPACED = (
    "\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fdf\u3001-\u303f"
    "\u3040-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe10-\ufe1f"
    "\ufe30-\ufe4f\uff01-\uff9f\uffe0-\uffef\U00020000-\U0003ffff"
)
# CJK and fullwidth punctuation: no space on either side (its glyphs carry their own)
CJK_MARKS = (
    "\u3001-\u3003\u3008-\u3011\u3014-\u301f\u30fb\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40"
    "\uff5b-\uff65\ufe10-\ufe19\ufe30-\ufe4f"
)
