"""Links on the settings page ("You") to pages that apps above accounts own.

Accounts must not guess the URL names of apps above it, so those apps register their link here
when they start (in ``AppConfig.ready``): the audit log registers "Account activity".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class SettingsLink:
    key: str
    label: str | Promise  # gettext_lazy, so it is worded in each request's language
    url_name: str
    hint: str | Promise = ""


_links: dict[str, SettingsLink] = {}


def register(link: SettingsLink) -> None:
    """Add (or replace, by key) a link; the settings page shows them in the order registered."""
    _links[link.key] = link


def links() -> tuple[SettingsLink, ...]:
    return tuple(_links.values())
