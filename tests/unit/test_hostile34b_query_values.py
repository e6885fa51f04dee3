"""Every value of a URL's query is masked wherever assay prints or stores the URL
(hostile34's Left: ``?tok=abcdefghijklmnopqrstuvwx``, a letters-only token under a name
the list of credential names misses, was printed and stored)."""

from __future__ import annotations

from assay.core.redact import MASK, hidden_values, redact_text, redact_url, scrub


def test_a_letters_only_token_under_an_unknown_name_is_masked() -> None:
    url = "https://scorer.example/predict?tok=abcdefghijklmnopqrstuvwx&v=2&flag"
    shown = redact_url(url)
    assert "abcdefghijklmnopqrstuvwx" not in shown
    assert shown == f"https://scorer.example/predict?tok={MASK}&v={MASK}&flag="
    said = redact_text(f"cannot reach {url}: refused")
    assert "abcdefghijklmnopqrstuvwx" not in said and "tok=" in said


def test_a_long_value_is_scrubbed_from_a_servers_echo_and_a_short_one_is_not() -> None:
    url = "http://h/p?tok=abcdefghijklmnopqrstuvwx&format=json"
    echoed = "400: bad tok abcdefghijklmnopqrstuvwx for format json"
    assert scrub(echoed, hidden_values(url)) == f"400: bad tok {MASK} for format json"
