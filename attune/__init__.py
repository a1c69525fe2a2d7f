"""attune: practising connection from the body up."""

from __future__ import annotations

__version__ = "0.1.0"
