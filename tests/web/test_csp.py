"""A strict Content-Security-Policy on every page, and no request to any third party, ever."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from attune.web.middleware import CONTENT_SECURITY_POLICY

WEB = Path(__file__).resolve().parents[2] / "attune" / "web"
# Namespace names in SVG and XHTML are identifiers, never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml", "http://www.w3.org/1999/xlink"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}
URL_PATTERN = re.compile(r"https?://[^\s\"'()<>`]+")
TEXT_SUFFIXES = {".html", ".txt", ".css", ".js", ".mjs", ".svg", ".json", ".xml", ".webmanifest"}


def _plain_paths(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    """Every URL path in the project that takes no arguments."""
    for entry in patterns:
        route = str(entry.pattern)
        if "<" in route or "(?P" in route or "\\" in route:
            continue
        route = route.lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from _plain_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


PATHS = sorted(set(_plain_paths(get_resolver().url_patterns)))


def _assert_strict(response: Any) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "*" not in policy
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "connect-src 'self'",
    ):
        assert directive in policy


def test_the_walk_finds_the_account_pages() -> None:
    assert {reverse("accounts:login"), reverse("accounts:signup"), reverse("accounts:settings")} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS)
def test_every_page_has_the_strict_policy_for_a_visitor_and_a_member(
    path: str, anon_client: Client, owner_client: Client
) -> None:
    for client in (anon_client, owner_client):
        _assert_strict(client.get(path))


def test_not_found_pages_and_static_files_have_it_too(anon_client: Client) -> None:
    _assert_strict(anon_client.get("/no/such/page/"))
    static = anon_client.get("/static/css/attune.css")
    try:
        assert static.status_code == 200
        _assert_strict(static)
    finally:
        static.close()  # a streamed file response holds the file open until closed


def test_the_policy_reaches_no_other_origin() -> None:
    assert "http" not in CONTENT_SECURITY_POLICY


def _text_files() -> Iterator[Path]:
    for root in [*WEB.glob("**/templates"), WEB / "static"]:
        for path in root.rglob("*"):
            if path.is_file() and path.suffix in TEXT_SUFFIXES:
                yield path


def _without_licence_banners(path: Path, text: str) -> str:
    """Vendored libraries keep their licence banner (``/*! ... */``), which may name a home page."""
    if "vendor" in path.parts:
        return re.sub(r"/\*!.*?\*/", "", text, flags=re.DOTALL)
    return text


def test_no_template_or_static_file_names_a_third_party_address() -> None:
    offenders = []
    for path in _text_files():
        text = _without_licence_banners(path, path.read_text(encoding="utf-8", errors="replace"))
        for url in URL_PATTERN.findall(text):
            host = url.split("/")[2].split(":")[0] if not url.split("/")[2].startswith("[") else url.split("/")[2]
            if url.rstrip("/") in NAMESPACES or host in LOCAL_HOSTS:
                continue
            offenders.append(f"{path.relative_to(WEB)}: {url}")
    assert offenders == []


def test_the_scan_would_catch_a_cdn(tmp_path: Path) -> None:
    sample = '<script src="https://cdn.example.com/x.js"></script> <svg xmlns="http://www.w3.org/2000/svg">'
    found = [u for u in URL_PATTERN.findall(sample) if u not in NAMESPACES]
    assert found == ["https://cdn.example.com/x.js"]


def test_no_template_has_inline_script_style_or_event_handlers() -> None:
    inline_script = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    style_attribute = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
    style_element = re.compile(r"<style\b", re.IGNORECASE)
    event_handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for root in WEB.glob("**/templates"):
        for path in root.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for name, pattern in (
                ("inline <script>", inline_script),
                ("style=", style_attribute),
                ("<style>", style_element),
                ("on...= handler", event_handler),
            ):
                if pattern.search(text):
                    offenders.append(f"{path.relative_to(WEB)}: {name}")
    assert offenders == []
