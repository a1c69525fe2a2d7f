"""A day's items made ready for the day page's template part (``workbooks/day.html#day-items``).

The member's day page and the guide's live preview both use this, so a guide previews exactly
what a member will see.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from attune.content.workbooks import CheckinStep, Day, PracticeStep, Prompt, Reading
from attune.web.practices.library import current_library
from attune.web.workbooks.forms import PracticeRecordForm
from attune.web.workbooks.render import render_markdown

if TYPE_CHECKING:
    from attune.web.practices.models import PracticeSession


def day_entries(
    day: Day,
    *,
    here: str,
    answers: Mapping[str, Any] | None = None,
    done: Mapping[str, Any] | None = None,
    session_for: Callable[[int, Any], PracticeSession | None] | None = None,
) -> list[dict[str, Any]]:
    """The day's steps, ready to show. ``answers`` are the member's journal answers by prompt key,
    ``done`` the day's record of steps done, ``session_for(index, info)`` a practice step's session."""
    library = current_library()
    answers = answers or {}
    done = done or {}
    items: list[dict[str, Any]] = []
    for index, item in enumerate(day.items):
        entry: dict[str, Any] = {"index": index, "kind": item.kind, "done": str(index) in done}
        if isinstance(item, Reading):
            entry["html"] = render_markdown(item.text)
        elif isinstance(item, Prompt):
            answer = answers.get(item.key)
            entry.update(
                prompt=item,
                answer=answer,
                answer_text=answer.text if answer is not None else "",
                answer_url=reverse("journal:detail", args=[answer.pk]) if answer is not None else None,
                done=entry["done"] or answer is not None,
            )
        elif isinstance(item, PracticeStep):
            practice = library.get(item.slug)
            info = done.get(str(index)) if isinstance(done.get(str(index)), dict) else None
            session = session_for(index, info) if session_for is not None else None
            entry["done"] = entry["done"] or session is not None
            entry.update(
                step=item,
                practice=practice,
                note_html=render_markdown(item.note) if item.note else "",
                player_url=(reverse("practices:player", args=[item.slug]) + f"?next={here}") if practice else None,
                session=session,
                form=PracticeRecordForm(prefix=f"p{index}"),
            )
        elif isinstance(item, CheckinStep):
            entry["text"] = item.text
            entry["checkin_url"] = reverse("today:today")
        items.append(entry)
    return items
