"""Guide-written Markdown to HTML that is safe to show.

Raw HTML in the Markdown is never passed through: the block and inline HTML handlers are
removed, so ``<script>`` arrives as visible text. Links keep only http(s), mailto and local
addresses, and images are shown as their alt text (no third-party requests, ever).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#")


class _Clean(Treeprocessor):  # type: ignore[misc]  # markdown ships no type hints, so its base is Any
    def run(self, root: ET.Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "img":
                    index = list(parent).index(child)
                    parent.remove(child)
                    span = ET.Element("span")
                    span.text = child.get("alt", "")
                    span.tail = child.tail
                    parent.insert(index, span)
        for element in root.iter("a"):
            href = (element.get("href") or "").strip()
            if not href.lower().startswith(SAFE_SCHEMES):
                element.attrib.pop("href", None)
            else:
                element.set("rel", "noopener noreferrer")


def _converter() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists", "smarty"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_Clean(md), "attune_clean", 0)
    return md


def render_markdown(text: str) -> SafeString:
    """Render ``text`` (Markdown from a guide) to HTML with raw HTML escaped and unsafe links dropped."""
    md = _converter()
    html: str = md.convert(text)
    return mark_safe(html)  # noqa: S308 - raw HTML is disabled above; output is escaped markup
