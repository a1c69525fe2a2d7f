"""QR codes for the projector view, drawn on the server as inline SVG (segno; no script, no image host)."""

from __future__ import annotations

import segno


def qr_svg(text: str) -> str:
    """An SVG element for ``text``, scaled by CSS, dark modules on a light quiet zone."""
    return str(
        segno.make(text, error="m").svg_inline(scale=1, dark="#1f2a2a", light="#ffffff", border=3, omitsize=True)
    )
