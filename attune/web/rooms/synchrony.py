"""Why a pair's synchrony is still calibrating, in the member's language and from their side.

``attune.core`` says it in English from the side of the person whose screen computed it ("You: a
gap in the beats") and says which reason it is and whose beats (``Synchrony.reason_kind`` and
``reason_values``; see ``attune.core.synchrony.REASON_KINDS``). The figure goes to both screens,
so each screen's consumer words it again for its own member: "You" for their own beats, "Your
partner" for the other's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The same sentences as attune.core.synchrony builds. room.js shows one in brackets after "In step:
# calibrating, …", with its first letter made small.
YOURS: dict[str, StrOrPromise] = {
    # Translators: shown in brackets with its first letter lowered ("… (du: noch …)").
    "window": _("You: not yet a full window of beats"),
    "gap": _("You: a gap in the beats"),
    "irregular": _("You: too many irregular beats"),
}
PARTNERS: dict[str, StrOrPromise] = {
    "window": _("Your partner: not yet a full window of beats"),
    "gap": _("Your partner: a gap in the beats"),
    "irregular": _("Your partner: too many irregular beats"),
}
FLAT: StrOrPromise = _("A heart rate with no swing at all")


def reason_text(kind: str, *, mine: bool) -> str | None:
    """The reason ``kind`` in the active language, about the member's own beats when ``mine``.

    None for a kind this does not know (the caller keeps core's English then).
    """
    if kind == "flat":
        return str(FLAT)
    words = (YOURS if mine else PARTNERS).get(kind)
    return None if words is None else str(words)
