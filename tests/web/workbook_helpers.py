"""Small workbooks for the workbook view tests, built in memory as zips or file maps."""

from __future__ import annotations

import io
import zipfile
from typing import Any

WORKBOOK_MD = """---
slug: {slug}
title: {title}
summary: Three small days for trying things out.
chapters:
  - slug: first
    title: First steps
---
A short introduction.
"""

DAY_MD = """---
day: {n}
title: Day {n} title
chapter: first
minutes: 5
items:
  - reading
  - practice: hand-on-heart
  - prompt: What did you notice on day {n}?
    key: notice-{n}
---
The reading for day {n}. {extra}
"""


def sources(slug: str = "small-steps", title: str = "Small steps", days: int = 3, extra: str = "") -> dict[str, str]:
    files = {"workbook.md": WORKBOOK_MD.format(slug=slug, title=title)}
    for n in range(1, days + 1):
        files[f"days/day-{n:02d}.md"] = DAY_MD.format(n=n, extra=extra)
    return files


def make_zip(files: dict[str, str | bytes], *, folder: str = "", method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, text in files.items():
            data = text.encode("utf-8") if isinstance(text, str) else text
            archive.writestr(folder + name, data)
    return buffer.getvalue()


def upload(client: Any, data: bytes, name: str = "workbook.zip") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(
        reverse("workbooks:upload"), {"archive": SimpleUploadedFile(name, data, content_type="application/zip")}
    )
