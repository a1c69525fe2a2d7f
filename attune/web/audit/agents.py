"""A browser's User-Agent header, summarised to a few plain words ("Firefox on Android").

The audit log keeps this summary, never the header itself: the full string is close to a
fingerprint, and a person reading their account's activity needs only to recognise their devices.
"""

from __future__ import annotations

from django.utils.translation import gettext

MAX_CHARS = 60

# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", and so on.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests/", "a script"),
    ("python-urllib", "a script"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def summarise(header: str) -> str:
    """A short, human summary of ``header``; "" when there is none, "another browser" when unknown."""
    text = (header or "").strip()
    if not text:
        return ""
    browser = next((name for marker, name in _BROWSERS if marker in text), "")
    system = next((name for marker, name in _SYSTEMS if marker in text), "")
    if browser and system:
        summary = f"{browser} on {system}"
    elif browser or system:
        summary = browser or f"a browser on {system}"
    else:
        summary = "another browser"
    return summary[:MAX_CHARS]


def in_language(summary: str) -> str:
    """A stored summary (always English, as :func:`summarise` wrote it) in the active language.

    Browser and system names are names and stay as they are; only the words around them change.
    A summary this does not recognise (cut short, or from an older version) is shown as it is.
    """
    if summary == "another browser":
        return gettext("another browser")
    if summary == "a script":
        return gettext("a script")
    browser, on, system = summary.partition(" on ")
    if not on or not system:
        return summary
    if browser == "a browser":
        return gettext("a browser on %(system)s") % {"system": system}
    if browser == "a script":
        browser = gettext("a script")
    return gettext("%(browser)s on %(system)s") % {"browser": browser, "system": system}
