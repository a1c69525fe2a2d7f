"""Guide-written content: practices and workbooks as Markdown files with front matter.

Nothing here imports Django. Content lives in plain files so that a guide can edit it and
see the change without a deploy: the registry notices edits and reloads.
"""

from __future__ import annotations

import os
from pathlib import Path

CONTENT_DIR_ENV = "ATTUNE_CONTENT_DIR"


def default_content_dir() -> Path:
    """The content folder: ``$ATTUNE_CONTENT_DIR`` if set, else ``content/`` beside the package.

    The built-in folder is the ``content/`` directory next to the ``attune`` package, that is
    ``<repo>/content`` in a checkout.
    """
    configured = os.environ.get(CONTENT_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parent.parent.parent / "content"


def default_practices_dir() -> Path:
    """The practices folder inside :func:`default_content_dir`."""
    return default_content_dir() / "practices"
