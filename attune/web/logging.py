"""Logging that never carries a member's private words.

Django logs request bodies nowhere by default, and attune's code never logs a note, a journal
answer or a message. This filter is the second line of defence, for the places where text could
slip into a log anyway:

* a message or an exception that mentions a private field (``note=...``, ``{'note': '...'}``,
  ``"answer": "..."``, a QueryDict's ``'note': ['...']``) has that value replaced by ``[private]``;
* a database error that quotes the row it refused (PostgreSQL's ``Failing row contains (...)``
  and ``Key (...)=(...)``) has the quoted values replaced;
* a password-reset link (``/password-reset/<uid>/<token>/``, in a 404 line, say) loses its uid and
  token.

The filter cleans a record's message and its formatted traceback. It sits on the console handler
(see ``LOGGING`` in settings) and :func:`guard_all_handlers` adds it to every other handler that
exists at start-up (Django's own console handler among them).
"""

from __future__ import annotations

import logging
import re

# Form fields and JSON keys whose values are private writing.
PRIVATE_FIELDS = ("note", "notes", "body", "answer", "text", "journal", "message", "reflection")
PRIVATE = "[private]"

_VALUE = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^&,;}\]\n]+)"""
_FIELD_PATTERN = re.compile(
    r"(?P<key>(?<![\w-])['\"]?(?:" + "|".join(PRIVATE_FIELDS) + r")['\"]?\s*[:=]\s*)" + _VALUE,
    re.IGNORECASE,
)
# PostgreSQL quotes refused rows and keys: "Failing row contains (...)." and "Key (a, b)=(x, y)".
# A row can hold a note of many lines, so everything up to the next chained traceback goes.
_ROW_PATTERN = re.compile(
    r"(?P<key>Failing row contains ).*?(?=\n\nThe above exception|\n\nDuring handling of the above exception|\Z)",
    re.DOTALL,
)
_DB_KEY_PATTERN = re.compile(r"(?P<key>Key \([^)]*\)=)\(.*?\)(?=\s|$)", re.MULTILINE)
# A password-reset link (uid and token) lets whoever holds it set a password: never in a log.
_RESET_LINK_PATTERN = re.compile(r"(?P<key>/password-reset/)[^\s/?\"']+/[^\s/?\"']+/?")
# A link that confirms a new email address: its token, too, stays out of every log.
_EMAIL_LINK_PATTERN = re.compile(r"(?P<key>/settings/email/confirm/)[^\s/?\"']+/?")


def scrub(message: str) -> str:
    """Return ``message`` with every private value replaced by ``[private]``."""
    message = _FIELD_PATTERN.sub(lambda m: m.group("key") + PRIVATE, message)
    message = _ROW_PATTERN.sub(lambda m: m.group("key") + PRIVATE, message)
    message = _RESET_LINK_PATTERN.sub(lambda m: m.group("key") + "[token]/", message)
    message = _EMAIL_LINK_PATTERN.sub(lambda m: m.group("key") + "[token]/", message)
    return _DB_KEY_PATTERN.sub(lambda m: m.group("key") + "(" + PRIVATE + ")", message)


class DropPrivateText(logging.Filter):
    """Replace private values in a record's message and traceback; drop a record that cannot be read."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is dropped, never allowed to leak
            return False
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            # Format the traceback now, cleaned; handlers reuse exc_text instead of formatting again.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def guard_all_handlers() -> None:
    """Add :class:`DropPrivateText` to every handler of every logger configured so far."""
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [item for item in logging.Logger.manager.loggerDict.values() if isinstance(item, logging.Logger)]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(existing, DropPrivateText) for existing in handler.filters):
                handler.addFilter(DropPrivateText())
