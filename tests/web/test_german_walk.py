"""Accept-Language de gives the whole interface in German: every page, for every persona, is read
for English sentences outside what people and guides wrote themselves.

The pages come from the URL resolver (as in test_get_writes_nothing.py), so a new page is walked
too. What people wrote stays in their words, and content is authored per language (a practice or a
workbook day with no German version is shown in English): such text is either marked with
``lang="en"`` on the page, or found word for word in the authored corpus (the content folder, the
demo member's writing and the test fixtures' own words). Every other run of words is checked: one
with more English function words than German ones (and at least two) is a sentence attune forgot to
translate.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver

from tests.web.journal_helpers import journal_keys  # noqa: F401  (fixture)
from tests.web.test_get_writes_nothing import SKIP, _names, _url, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("journal_keys")

ENGLISH = frozenset(
    [
        "the",
        "and",
        "you",
        "your",
        "with",
        "this",
        "that",
        "is",
        "are",
        "to",
        "of",
        "for",
        "what",
        "how",
        "when",
        "not",
        "yet",
        "here",
        "it",
        "its",
        "be",
        "have",
        "has",
        "will",
        "can",
        "was",
        "were",
        "from",
        "by",
        "on",
        "at",
        "as",
        "an",
        "or",
        "if",
        "no",
    ]
)
GERMAN = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "du",
        "dein",
        "deine",
        "dich",
        "dir",
        "mit",
        "ist",
        "sind",
        "nicht",
        "noch",
        "hier",
        "wie",
        "was",
        "für",
        "zu",
        "von",
        "ein",
        "eine",
        "einen",
        "im",
        "in",
        "auf",
        "bei",
        "wenn",
        "oder",
        "kein",
        "keine",
        "es",
        "sie",
        "wir",
    ]
)
SKIPPED_TAGS = {"script", "style", "template", "textarea", "code", "pre", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """The page's text runs, leaving out scripts and anything marked as another language."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # True where the element (or an ancestor) is left out
        self.runs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        attributes = dict(attrs)
        left_out = (self.stack[-1] if self.stack else False) or tag in SKIPPED_TAGS
        lang = attributes.get("lang") or ""
        if tag != "html" and lang and not lang.startswith("de"):
            left_out = True
        if "data-authored" in attributes:
            left_out = True
        self.stack.append(left_out)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]) and data.strip():
            self.runs.append(" ".join(data.split()))


REPO = Path(__file__).resolve().parents[2]


def _norm(text: str) -> str:
    return " ".join(text.replace("*", "").replace("_", " ").split())


@cache
def authored() -> tuple[str, tuple[str, ...]]:
    """What people and authors wrote: the content folder's Markdown, and every string in the demo
    member's data and the test helpers (returned whole, and its short strings for titles in a frame)."""
    texts = [_norm(p.read_text()) for p in sorted((REPO / "content").rglob("*.md"))]
    strings: list[str] = []
    for source in [*(REPO / "attune" / "web" / "demo").rglob("*.py"), *(REPO / "tests" / "web").glob("*helpers.py")]:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) > 3:
                strings.append(_norm(node.value))
    short = tuple(sorted({s for s in strings if len(s) <= 80}, key=len, reverse=True))
    return "\n".join(texts + strings), short


def _is_english(text: str) -> bool:
    words = re.findall(r"[a-zäöüß']+", text.lower())
    english = sum(w in ENGLISH for w in words)
    german = sum(w in GERMAN for w in words)
    return english >= 2 and english > german


def english_runs(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    corpus, short = authored()
    found = []
    for run in parser.runs:
        if not _is_english(run):
            continue
        core = _norm(run).rstrip("…").strip()
        if core and core in corpus:
            continue  # written by a person or an author, in their language
        rest = core
        for piece in short:
            if piece in rest:
                rest = rest.replace(piece, " ")
        if _is_english(rest):
            found.append(run)
    return found


def test_the_detector_finds_an_english_sentence_and_passes_german_and_marked_english() -> None:
    assert english_runs("<p>Nothing to do until then, and that is fine.</p>") != []
    assert english_runs("<p>Du bist hier richtig, und das ist gut so.</p>") == []
    assert english_runs('<p lang="en">What the guide wrote, in their words.</p>') == []
    assert english_runs("<script>if (a) { return the && you }</script>") == []


def test_every_page_in_german_for_every_persona(world: dict[str, Any], other: Any, guide: Any) -> None:  # noqa: F811
    personas: dict[str, Client] = {"anonymous": Client()}
    for label, user in (("member", world["demo"]), ("outsider", other), ("guide", guide), ("admin", world["admin"])):
        client = Client()
        client.force_login(user)
        personas[label] = client
    urls = [
        _url(name, pattern, world["args"])
        for name, pattern in _names(get_resolver().url_patterns)
        if name not in SKIP and not name.endswith(":None") and not name.startswith("admin:")
    ]
    found: dict[str, list[str]] = {}
    for label, client in personas.items():
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            for run in english_runs(response.content.decode()):
                found.setdefault(run, []).append(f"{label} {url}")
    report = "\n".join(f"{run!r}: {where[0]} (+{len(where) - 1})" for run, where in sorted(found.items()))
    assert not found, f"{len(found)} English runs on German pages:\n{report}"
