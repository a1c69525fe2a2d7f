"""Signed-in sessions: whose each one is, how long an idle one lasts, and ending them.

Sessions are Django's database sessions, kept in :class:`~attune.web.accounts.models.MemberSession`
so that each row knows its account. That is what lets a member sign out everywhere, a password
change end every other session, and a deleted account leave no session behind.

An idle session ends by itself: its row's expiry is ``SESSION_IDLE_SECONDS`` (guides and admins:
``SESSION_IDLE_SECONDS_GUIDES``) after the member's last request, and never later than
``SESSION_MAX_AGE_SECONDS`` after they signed in. To keep a GET from writing on every page, the
expiry is pushed forward at most once every ``SESSION_REFRESH_SECONDS`` (a minute): that refresh is
the one write a GET may cause, and it touches only the asking member's own session row (its expiry
and the time it was last refreshed). See docs/security.md, "Sessions".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from attune.web.accounts.models import MemberSession, User

#: When the session was last refreshed (seconds since the epoch).
SEEN_KEY = "_attune_seen"
#: When the member signed in (the absolute lifetime counts from here).
SINCE_KEY = "_attune_since"


class SessionStore(DBStore):
    """Django's database sessions, in attune's table, with the account filled in on every save."""

    @classmethod
    def get_model_class(cls) -> type[MemberSession]:
        from attune.web.accounts.models import MemberSession

        return MemberSession

    def create_model_instance(self, data: dict[str, Any]) -> MemberSession:
        instance = cast("MemberSession", super().create_model_instance(data))
        try:
            instance.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            instance.user_id = None
        return instance


def _model() -> type[MemberSession]:
    return SessionStore.get_model_class()


def session_group(session_key: str) -> str:
    """The channel-layer group of the websockets a session opened (rooms join it on connect)."""
    return f"session.{session_key}"


def close_sockets(session_keys: Iterable[str]) -> None:
    """Tell the websockets of these ended sessions to close, on every server process.

    Room sockets listen on :func:`session_group` and close at once; the live socket has no channel
    layer and checks its session itself as beats arrive (``live.consumers``). See docs/security.md.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    for key in session_keys:
        async_to_sync(layer.group_send)(session_group(key), {"type": "session.ended"})


def end_other_sessions(user: User, keep: SessionBase | None = None) -> int:
    """Sign ``user`` out of every session but ``keep`` (the one asking); returns how many ended.

    Their open websockets are closed too: a signed-out browser keeps no live view of the account.
    """
    others = _model().objects.filter(user_id=user.pk)
    if keep is not None and keep.session_key:
        others = others.exclude(session_key=keep.session_key)
    keys = list(others.values_list("session_key", flat=True))
    deleted, _ = others.delete()
    close_sockets(keys)
    return deleted


def on_sign_out(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Signing out in one tab closes the websockets that session opened in its other tabs."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        close_sockets([key])


def session_keys(user: User) -> list[str]:
    """The keys of every session ``user`` has (to close their sockets once the rows are gone)."""
    return list(_model().objects.filter(user_id=user.pk).values_list("session_key", flat=True))


def session_alive(session_key: str | None) -> bool:
    """Whether the session with this key is still signed in (it exists and has not expired)."""
    from django.utils import timezone

    if not session_key:
        return False
    return _model().objects.filter(session_key=session_key, expire_date__gt=timezone.now()).exists()


def end_all_sessions(user: User) -> int:
    """Sign ``user`` out everywhere (a password set with a reset link, an account deleted)."""
    return end_other_sessions(user, None)


def clear_expired_sessions() -> int:
    """Remove the rows of sessions that have ended (idle too long, or past their lifetime)."""
    from django.utils import timezone

    deleted, _ = _model().objects.filter(expire_date__lte=timezone.now()).delete()
    return deleted


def other_session_count(user: User, current: SessionBase) -> int:
    """How many other browsers are signed in to this account now (expired rows do not count)."""
    from django.utils import timezone

    return (
        _model()
        .objects.filter(user_id=user.pk, expire_date__gt=timezone.now())
        .exclude(session_key=current.session_key or "")
        .count()
    )


def idle_seconds(user: Any) -> int:
    """How long a session of ``user`` may sit unused before it ends."""
    if getattr(user, "is_guide", False) or getattr(user, "is_staff", False):
        return int(settings.SESSION_IDLE_SECONDS_GUIDES)
    return int(settings.SESSION_IDLE_SECONDS)


def idle_words(user: Any) -> str:
    """The idle timeout in words: "14 days", "12 hours", "30 minutes"."""
    seconds = idle_seconds(user)
    if seconds >= 86400 and seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = seconds // 60
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def _refresh(session: SessionBase, user: Any, now: int) -> None:
    since = int(session.get(SINCE_KEY, now))
    left_of_lifetime = since + int(settings.SESSION_MAX_AGE_SECONDS) - now
    session[SEEN_KEY] = now
    # Never past the absolute lifetime; at least a second (0 would mean "until the browser closes").
    session.set_expiry(max(1, min(idle_seconds(user), left_of_lifetime)))


def start(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    """On sign-in (``user_logged_in``): the lifetime and the idle clock start now."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SINCE_KEY] = now
    _refresh(request.session, user, now)


class SessionActivityMiddleware:
    """Push a signed-in session's expiry forward as the member uses it, at most once a minute.

    Placed after ``AuthenticationMiddleware``. A session whose idle time or lifetime has run out
    is already gone (its row's expiry has passed, so Django loads nothing); this only extends the
    live ones. Between refreshes nothing is written, so most GETs write nothing at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(SEEN_KEY)
            if not isinstance(seen, int) or now - seen >= int(settings.SESSION_REFRESH_SECONDS):
                _refresh(request.session, user, now)
        return self.get_response(request)
