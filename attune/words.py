"""Sentences that attune's Django-free libraries say to people, kept translatable.

``attune.content`` (the workbook and practice checks) and ``attune.importers`` (the file readers)
run without Django, yet what they say reaches a guide or a member on a web page in that person's
language. So they say it as a :class:`Said`: the English sentence (it *is* a ``str``, so logs, the
command line and tests read it as before), together with the template it was made from and the
values that filled it. The web layer translates the template with ``gettext`` and fills in the same
values (``attune.web.common.said.in_language``).

Write a sentence with :func:`_`, whose name ``makemessages`` (xgettext) already knows, with named
``%(name)s`` holes for the values::

    from attune.words import _

    raise ReaderError(_("line %(line)d: %(value)r is not a number of milliseconds", line=7, value="x"))

The template is the msgid in ``attune/web/locale/*/LC_MESSAGES/django.po`` (``make translations``
gathers it from these libraries too). docs/translating.md, "Libraries without Django".
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["Said", "_"]


class Said(str):
    """An English sentence that remembers its template and values, so it can be said again in another language."""

    template: str
    values: Mapping[str, object]

    def __new__(cls, template: str, values: Mapping[str, object] | None = None) -> Said:
        filled = template % values if values else template
        said = super().__new__(cls, filled)
        said.template = template
        said.values = dict(values or {})
        return said

    def __reduce__(self) -> tuple[type[Said], tuple[str, dict[str, object]]]:
        return (Said, (self.template, dict(self.values)))


def _(template: str, **values: object) -> Said:
    """Mark ``template`` for translation and fill its ``%(name)s`` holes with ``values``."""
    return Said(template, values)
