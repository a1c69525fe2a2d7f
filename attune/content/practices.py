"""The practice library: one Markdown file with front matter per practice.

A practice file lives under ``content/practices/`` (sub-folders are fine) and is named after its
slug, e.g. ``hand-on-heart.md``. Its front matter says what the practice is (condition, title,
why, duration, who it is for, which states it suits, safety notes, timed steps); its body is a
longer introduction in Markdown. ``docs/content.md`` is the field reference for guides.

Every problem is reported with its file and line, and loading a folder collects all of them
rather than stopping at the first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

from attune.content.errors import ContentError, ContentInvalid
from attune.content.frontmatter import Document, parse_file
from attune.words import Said, _

CONDITIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "gentle-touch": "Gentle physical connection",
        "soft-gaze": "Soft eye contact",
        "slowing-down": "Slowing down",
        "honest-conversation": "Honest, safe conversation",
        "beyond-people": "Connection beyond people",
    }
)
"""The five conditions of safety, slug to plain label, in the order the library shows them."""

CONDITION_DESCRIPTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "gentle-touch": "A hug, a hand on an arm, sitting close to someone safe, or your own hand on your chest.",
        "soft-gaze": "Eyes that rest softly on a face: a partner's, your own in a mirror, or one in a photo.",
        "slowing-down": "A slower pace and slower breathing, giving the body time to settle.",
        "honest-conversation": "Speaking without performing, and listening without fixing.",
        "beyond-people": "Time in nature, with an animal, or in stillness.",
    }
)

STATES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "settled": "Settled",
        "activated": "Activated",
        "shut_down": "Shut down",
    }
)
"""The three check-in states, slug to plain label."""

STATE_DESCRIPTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "settled": "Safe, present, open to others.",
        "activated": "On guard, restless, anxious, braced.",
        "shut_down": "Flat, numb, far away, withdrawn.",
    }
)

WITH: Final[Mapping[str, str]] = MappingProxyType(
    {
        "solo": "On your own",
        "partner": "With a partner",
        "group": "In a group",
    }
)
"""Who a practice is done with, slug to plain label."""

LANGUAGES: Final[Mapping[str, str]] = MappingProxyType({"en": "English", "de": "Deutsch"})
"""The languages a practice may be written in, code to its own name. English is the original."""

ORIGINAL_LANGUAGE: Final = "en"
"""Every practice is written in English first; a translation shares the original's slug."""

MODES: Final[tuple[str, ...]] = ("calming", "energising")
"""A practice is calming unless it says otherwise; only energising practices may hold the breath."""

# Conditions where another person's body or eyes are involved: both must opt in, and a solo way
# to do the practice must always be offered.
CONSENT_CONDITIONS: Final[frozenset[str]] = frozenset({"gentle-touch", "soft-gaze"})

SLUG_RE: Final[re.Pattern[str]] = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONSENT_RE: Final[re.Pattern[str]] = re.compile(
    r"\bconsent|\bopts? in\b|\bopt-in\b|einverst[aä]nd|zustimm", re.IGNORECASE
)
DIZZY_RE: Final[re.Pattern[str]] = re.compile(r"\bdizz|schwind", re.IGNORECASE)

MAX_TITLE_CHARS: Final = 60
MAX_WHY_CHARS: Final = 140
DURATION_MIN_RANGE: Final = (1.0, 60.0)
STEP_SECONDS_RANGE: Final = (5, 3600)
BREATHS_PER_MIN_RANGE: Final = (3.0, 10.0)
MIN_BREATH_PHASE_S: Final = 1.0
MAX_HOLD_S: Final = 10.0
# The steps must add up to duration_min within the larger of these two.
DURATION_TOLERANCE_S: Final = 30.0
DURATION_TOLERANCE_FRACTION: Final = 0.15

FIELDS: Final[tuple[str, ...]] = (
    "slug",
    "language",
    "title",
    "condition",
    "why",
    "duration_min",
    "with",
    "suits",
    "mode",
    "safety",
    "solo_alternative",
    "prompts",
    "steps",
)
STEP_FIELDS: Final[tuple[str, ...]] = ("title", "seconds", "text", "pacer", "lead", "prompt")
MAX_PROMPTS: Final = 12
MAX_PROMPT_CHARS: Final = 200
LEADS: Final[tuple[str, ...]] = ("first", "second")
"""Who leads a step done in turns: the person who goes first, or the other one."""
PACER_FIELDS: Final[tuple[str, ...]] = ("inhale", "hold_in", "exhale", "hold_out")


@dataclass(frozen=True)
class Pacer:
    """A breathing rhythm for one step, in seconds per phase."""

    inhale_s: float
    exhale_s: float
    hold_in_s: float = 0.0
    hold_out_s: float = 0.0

    @property
    def cycle_s(self) -> float:
        """Seconds for one full breath, holds included."""
        return self.inhale_s + self.hold_in_s + self.exhale_s + self.hold_out_s

    @property
    def breaths_per_min(self) -> float:
        """Breaths a minute at this rhythm."""
        return 60.0 / self.cycle_s

    @property
    def has_holds(self) -> bool:
        """Whether the rhythm holds the breath at either end."""
        return self.hold_in_s > 0 or self.hold_out_s > 0


@dataclass(frozen=True)
class Step:
    """One timed step of a practice."""

    title: str
    seconds: int
    text: str
    pacer: Pacer | None = None
    lead: str | None = None
    """For steps done in turns (speaking and listening, leading a breath): ``first`` or ``second``."""
    prompt: bool = False
    """Offer one of the practice's prompts, a question to start from, in this step done in turns."""


@dataclass(frozen=True)
class Practice:
    """One practice from the library, as validated from its file."""

    slug: str
    title: str
    condition: str
    why: str
    duration_min: float
    with_whom: tuple[str, ...]
    suits: tuple[str, ...]
    safety: tuple[str, ...]
    steps: tuple[Step, ...]
    body: str
    mode: str = "calming"
    solo_alternative: str | None = None
    path: Path | None = None
    language: str = ORIGINAL_LANGUAGE
    """The language its words are written in (a code from :data:`LANGUAGES`)."""
    prompts: tuple[str, ...] = ()
    """Questions a speaker might start from (honest conversation), offered in steps with ``prompt``."""

    @property
    def condition_label(self) -> str:
        """The plain label of the practice's condition."""
        return CONDITIONS[self.condition]

    @property
    def total_seconds(self) -> int:
        """The sum of the steps' seconds."""
        return sum(step.seconds for step in self.steps)

    @property
    def has_pacer(self) -> bool:
        """Whether any step carries a breathing pacer."""
        return any(step.pacer is not None for step in self.steps)

    @property
    def needs_consent(self) -> bool:
        """Touch or eye contact with someone else: every person involved must opt in."""
        return self.condition in CONSENT_CONDITIONS and bool({"partner", "group"} & set(self.with_whom))

    @property
    def solo_alternative_slug(self) -> str | None:
        """The slug named by ``solo_alternative``, or None when it is free text or absent."""
        alt = self.solo_alternative
        return alt if alt is not None and SLUG_RE.match(alt) else None

    @property
    def solo_alternative_text(self) -> str | None:
        """``solo_alternative`` when it is a written description rather than a slug."""
        alt = self.solo_alternative
        return alt if alt is not None and not SLUG_RE.match(alt) else None


class Library:
    """A validated set of practices, with lookups by slug, condition and state.

    Practices are ordered by condition (in :data:`CONDITIONS` order), then by duration, then
    by title, so that the shortest practice of each condition comes first.
    """

    __slots__ = ("_by_slug", "_localised", "_practices", "_translations")

    def __init__(self, practices: Iterable[Practice] = (), translations: Iterable[Practice] = ()) -> None:
        order = list(CONDITIONS)
        ordered = sorted(practices, key=lambda p: (order.index(p.condition), p.duration_min, p.title, p.slug))
        self._practices: tuple[Practice, ...] = tuple(ordered)
        self._by_slug: Mapping[str, Practice] = MappingProxyType({p.slug: p for p in ordered})
        by_language: dict[str, dict[str, Practice]] = {}
        for t in translations:
            if t.slug in self._by_slug and t.language != ORIGINAL_LANGUAGE:
                by_language.setdefault(t.language, {})[t.slug] = t
        self._translations: Mapping[str, Mapping[str, Practice]] = MappingProxyType(
            {lang: MappingProxyType(found) for lang, found in by_language.items()}
        )
        self._localised: dict[str, Library] = {}

    def in_language(self, language: str) -> Library:
        """The same practices, each in ``language`` where a translation exists, otherwise in English.

        The order stays the original's, so a list does not reshuffle when a member changes
        language; ``practice.language`` tells which ones fell back to English.
        """
        language = language.split("-")[0].lower()
        found = self._translations.get(language)
        if not found:
            return self
        localised = self._localised.get(language)
        if localised is None:
            localised = Library.__new__(Library)
            localised._practices = tuple(found.get(p.slug, p) for p in self._practices)
            localised._by_slug = MappingProxyType({p.slug: p for p in localised._practices})
            localised._translations = self._translations
            localised._localised = self._localised
            self._localised[language] = localised
        return localised

    def translations(self, language: str) -> tuple[Practice, ...]:
        """The practices written in ``language`` (none for English, which holds the originals)."""
        found = self._translations.get(language, {})
        return tuple(found[p.slug] for p in self._practices if p.slug in found)

    @property
    def practices(self) -> tuple[Practice, ...]:
        """Every practice, in library order."""
        return self._practices

    def __len__(self) -> int:
        return len(self._practices)

    def __iter__(self) -> Iterator[Practice]:
        return iter(self._practices)

    def __contains__(self, slug: object) -> bool:
        return slug in self._by_slug

    def __getitem__(self, slug: str) -> Practice:
        return self._by_slug[slug]

    def __repr__(self) -> str:
        return f"<Library of {len(self)} practices>"

    def get(self, slug: str) -> Practice | None:
        """The practice with ``slug``, or None."""
        return self._by_slug.get(slug)

    def by_condition(self, condition: str) -> tuple[Practice, ...]:
        """The practices for one condition slug (see :data:`CONDITIONS`)."""
        if condition not in CONDITIONS:
            raise ValueError(f"unknown condition {condition!r}; expected one of {', '.join(CONDITIONS)}")
        return tuple(p for p in self._practices if p.condition == condition)

    def for_state(self, state: str) -> tuple[Practice, ...]:
        """The practices that suit how someone feels now (a slug from :data:`STATES`)."""
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}; expected one of {', '.join(STATES)}")
        return tuple(p for p in self._practices if state in p.suits)

    def grouped(self) -> tuple[tuple[str, tuple[Practice, ...]], ...]:
        """``(condition, practices)`` for every condition, in order, including empty ones."""
        return tuple((c, self.by_condition(c)) for c in CONDITIONS)

    def solo_alternative_for(self, practice: Practice) -> Practice | None:
        """The practice named as ``practice``'s solo alternative, if it names one in this library."""
        slug = practice.solo_alternative_slug
        return self._by_slug.get(slug) if slug is not None else None


# --------------------------------------------------------------------------------------------
# Loading


def load_practice(path: Path) -> Practice:
    """Load and validate one practice file.

    Checks everything that can be checked from the file alone. Whether ``solo_alternative``
    names a practice that exists is checked by :func:`load_library`.

    Raises
    ------
    ContentInvalid
        Carrying one :class:`ContentError` (file and line) per problem found.
    """
    practice, errors, _doc = _read_practice(path)
    if errors or practice is None:
        raise ContentInvalid(errors)
    return practice


def practice_files(directory: Path) -> list[Path]:
    """The practice files under ``directory``, sorted.

    Every ``*.md`` file counts, in sub-folders too, except ``README.md`` and files or folders
    whose name starts with ``_`` or ``.`` (drafts and notes).
    """
    found = []
    for path in directory.rglob("*.md"):
        parts = path.relative_to(directory).parts
        if any(part.startswith(("_", ".")) for part in parts) or path.name.lower() == "readme.md":
            continue
        if path.is_file():
            found.append(path)
    return sorted(found)


def collect_library(directory: Path) -> tuple[Library, list[ContentError]]:
    """Load every practice under ``directory``, returning the valid ones and all errors.

    A practice with any error, including a duplicate slug, is left out of the library. The
    errors are sorted by file and line.
    """
    if not directory.is_dir():
        return Library(), [ContentError(directory, 1, _("the practices folder does not exist"))]
    errors: list[ContentError] = []
    docs: list[tuple[Practice | None, Document]] = []
    translated: list[tuple[Practice | None, Document]] = []
    seen: dict[str, Path] = {}
    seen_translated: dict[tuple[str, str], Path] = {}
    for path in practice_files(directory):
        practice, file_errors, doc = _read_practice(path)
        errors.extend(file_errors)
        if doc is None:
            continue
        slug = doc.meta.get("slug")
        language = doc.meta.get("language", ORIGINAL_LANGUAGE)
        if isinstance(slug, str) and slug and language != ORIGINAL_LANGUAGE and isinstance(language, str):
            if (slug, language) in seen_translated:
                where = _rel(seen_translated[(slug, language)], directory)
                message = _(
                    "'%(slug)s' in %(language)s is already written in %(file)s",
                    slug=slug,
                    language=LANGUAGES.get(language, language),
                    file=where,
                )
                errors.append(ContentError(path, doc.line_of("language"), message))
                continue
            seen_translated[(slug, language)] = path
            translated.append((practice, doc))
            continue
        if isinstance(slug, str) and slug:
            if slug in seen:
                where = _rel(seen[slug], directory)
                message = _(
                    "the slug '%(slug)s' is already used by %(file)s; every practice needs its own",
                    slug=slug,
                    file=where,
                )
                errors.append(ContentError(path, doc.line_of("slug"), message))
                continue
            seen[slug] = path
        docs.append((practice, doc))

    by_slug = {p.slug: p for p, _doc in docs if p is not None}
    valid: list[Practice] = []
    for practice, doc in docs:
        problems = _check_solo_alternative(doc, by_slug, seen)
        errors.extend(problems)
        if practice is not None and not problems:
            valid.append(practice)
    originals = {p.slug: p for p in valid}
    translations: list[Practice] = []
    for practice, doc in translated:
        if practice is None:
            continue
        problems = _check_translation(doc, practice, originals, seen)
        errors.extend(problems)
        if not problems:
            translations.append(practice)
    errors.sort(key=lambda e: (str(e.path), e.line))
    return Library(valid, translations), errors


def load_library(directory: Path) -> Library:
    """Load every practice under ``directory``.

    Raises
    ------
    ContentInvalid
        Carrying every error in every file, when any file has a problem.
    """
    library, errors = collect_library(directory)
    if errors:
        raise ContentInvalid(errors)
    return library


def _rel(path: Path, directory: Path) -> str:
    try:
        return str(path.relative_to(directory))
    except ValueError:
        return str(path)


def _check_solo_alternative(
    doc: Document, by_slug: Mapping[str, Practice], on_disk: Mapping[str, Path]
) -> list[ContentError]:
    """Check that a ``solo_alternative`` given as a slug names a solo practice in the library."""
    value = doc.meta.get("solo_alternative")
    if not isinstance(value, str) or not SLUG_RE.match(value.strip()):
        return []
    slug = value.strip()
    line = doc.line_of("solo_alternative")
    if slug == doc.meta.get("slug"):
        return [ContentError(doc.path, line, _("solo_alternative names this same practice; name a solo one"))]
    target = by_slug.get(slug)
    if target is None:
        if slug in on_disk:
            # The target has errors of its own and reports them; do not repeat them here.
            return []
        hint = difflib.get_close_matches(slug, list(on_disk), n=1)
        if hint:
            message = _(
                "solo_alternative names '%(slug)s', but there is no practice with that slug (did you mean '%(hint)s'?)",
                slug=slug,
                hint=hint[0],
            )
        else:
            message = _(
                "solo_alternative names '%(slug)s', but there is no practice with that slug "
                "(or write a sentence to describe one instead)",
                slug=slug,
            )
        return [ContentError(doc.path, line, message)]
    if "solo" not in target.with_whom:
        message = _(
            "solo_alternative names '%(slug)s', which is not a solo practice (its 'with' has no 'solo')", slug=slug
        )
        return [ContentError(doc.path, line, message)]
    return []


def _check_translation(
    doc: Document, practice: Practice, originals: Mapping[str, Practice], on_disk: Mapping[str, Path]
) -> list[ContentError]:
    """A translation changes the words, never what the practice is or how long each step lasts."""
    original = originals.get(practice.slug)
    line = doc.line_of("slug")
    if original is None:
        if practice.slug in on_disk:
            return []  # the English original has errors of its own and reports them
        return [
            ContentError(
                doc.path,
                line,
                _(
                    "a translation needs the English practice '%(slug)s' (same slug, no language field) beside it",
                    slug=practice.slug,
                ),
            )
        ]
    problems = []
    for field, mine, theirs in (
        ("condition", practice.condition, original.condition),
        ("duration_min", practice.duration_min, original.duration_min),
        ("with", practice.with_whom, original.with_whom),
        ("suits", practice.suits, original.suits),
        ("mode", practice.mode, original.mode),
        ("solo_alternative", practice.solo_alternative_slug, original.solo_alternative_slug),
    ):
        if mine != theirs:
            problems.append(
                ContentError(
                    doc.path,
                    doc.line_of(field) if field in doc.meta else line,
                    _(
                        "%(field)s differs from the English original (%(original)r); "
                        "a translation changes only the words",
                        field=field,
                        original=theirs,
                    ),
                )
            )
    timing = [(s.seconds, s.pacer, s.lead) for s in practice.steps]
    if timing != [(s.seconds, s.pacer, s.lead) for s in original.steps]:
        problems.append(
            ContentError(
                doc.path,
                doc.line_of("steps"),
                _(
                    "the steps differ from the English original's in number, seconds, pacer or lead "
                    "(%(count)d steps of %(seconds)s s); a translation changes only the words",
                    count=len(original.steps),
                    seconds=", ".join(str(s.seconds) for s in original.steps),
                ),
            )
        )
    return problems


def _read_practice(path: Path) -> tuple[Practice | None, list[ContentError], Document | None]:
    try:
        doc = parse_file(path)
    except ContentInvalid as exc:
        return None, list(exc.errors), None
    checker = _Checker(doc)
    practice = checker.practice()
    return practice, checker.errors, doc


# --------------------------------------------------------------------------------------------
# Validation


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fmt_s(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    if minutes and secs:
        return f"{minutes} min {secs} s"
    return f"{minutes} min" if minutes else f"{secs} s"


def _unknown_key_message(key: str, known: Iterable[str], where: Said) -> Said:
    """An unknown field's message; ``where`` is a part of the sentence, like "in step 2"."""
    known = list(known)
    hint = difflib.get_close_matches(key, known, n=1)
    if hint:
        return _("unknown field '%(key)s' %(where)s (did you mean '%(hint)s'?)", key=key, where=where, hint=hint[0])
    return _(
        "unknown field '%(key)s' %(where)s; the fields are: %(fields)s", key=key, where=where, fields=", ".join(known)
    )


def _phase_problem(n: int, key: str, seconds: float, mode: str | None) -> Said | None:
    """What is wrong with ``seconds`` for the pacer phase ``key`` of step ``n``, or None."""
    if key in ("inhale", "exhale"):
        if seconds < MIN_BREATH_PHASE_S:
            return _(
                "step %(step)d: pacer '%(key)s' must be at least %(seconds)g s",
                step=n,
                key=key,
                seconds=MIN_BREATH_PHASE_S,
            )
    elif not 0 <= seconds <= MAX_HOLD_S:
        return _(
            "step %(step)d: pacer '%(key)s' must be between 0 and %(seconds)g s", step=n, key=key, seconds=MAX_HOLD_S
        )
    elif seconds > 0 and mode == "calming":
        return _(
            "step %(step)d: calming practices never hold the breath; set '%(key)s' to 0 "
            "(or mark the practice 'mode: energising')",
            step=n,
            key=key,
        )
    return None


class _Checker:
    """Validates one parsed practice file, collecting every error with its line."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.errors: list[ContentError] = []

    def error(self, keys: tuple[str | int, ...], message: Said) -> None:
        self.errors.append(ContentError(self.doc.path, self.doc.line_at(*keys) if keys else 1, message))

    # -- top level ----------------------------------------------------------------------------

    def practice(self) -> Practice | None:
        meta = self.doc.meta
        for key in meta:
            if str(key) not in FIELDS:
                self.error((str(key),), _unknown_key_message(str(key), FIELDS, _("in the front matter")))

        slug = self.slug(meta.get("slug"))
        language = self.choice("language", meta.get("language", ORIGINAL_LANGUAGE), LANGUAGES)
        title = self.text("title", meta.get("title"), max_chars=MAX_TITLE_CHARS)
        condition = self.choice("condition", meta.get("condition"), CONDITIONS)
        why = self.text("why", meta.get("why"), max_chars=MAX_WHY_CHARS)
        duration_min = self.duration(meta.get("duration_min"))
        with_whom = self.choices("with", meta.get("with"), WITH)
        suits = self.choices("suits", meta.get("suits"), STATES)
        mode = self.mode(meta.get("mode", "calming"))
        safety = self.safety(meta.get("safety"))
        solo_alternative = self.solo_alternative(meta.get("solo_alternative"))
        prompts = self.prompts(meta.get("prompts"))
        steps = self.steps(meta.get("steps"), mode)
        body = self.doc.body.strip()
        if not body:
            self.errors.append(
                ContentError(
                    self.doc.path, self.doc.body_line, _("add a short introduction in Markdown below the front matter")
                )
            )

        self.duration_check(duration_min, steps)
        self.consent_checks(condition, with_whom, safety, solo_alternative)
        self.pacer_safety_check(steps, safety)
        self.prompt_check(steps, prompts)
        if (
            title is None
            or slug is None
            or condition is None
            or why is None
            or duration_min is None
            or with_whom is None
            or suits is None
            or mode is None
            or safety is None
            or steps is None
            or language is None
            or self.errors
        ):
            return None
        return Practice(
            slug=slug,
            title=title,
            condition=condition,
            why=why,
            duration_min=duration_min,
            with_whom=with_whom,
            suits=suits,
            safety=safety,
            steps=steps,
            body=body,
            mode=mode,
            solo_alternative=solo_alternative,
            path=self.doc.path,
            language=language,
            prompts=prompts or (),
        )

    # -- checks across fields: each runs when the fields it needs are themselves valid ------------

    def duration_check(self, duration_min: float | None, steps: tuple[Step, ...] | None) -> None:
        if duration_min is None or steps is None:
            return
        total = sum(step.seconds for step in steps)
        expected = duration_min * 60.0
        tolerance = max(DURATION_TOLERANCE_S, DURATION_TOLERANCE_FRACTION * expected)
        if abs(total - expected) > tolerance:
            self.error(
                ("duration_min",),
                _(
                    "the steps add up to %(total)s but duration_min says %(minutes)g min; make them agree "
                    "(within %(seconds)g s or %(fraction)s)",
                    total=_fmt_s(total),
                    minutes=duration_min,
                    seconds=DURATION_TOLERANCE_S,
                    fraction=f"{DURATION_TOLERANCE_FRACTION:.0%}",
                ),
            )

    def consent_checks(
        self,
        condition: str | None,
        with_whom: tuple[str, ...] | None,
        safety: tuple[str, ...] | None,
        solo_alternative: str | None,
    ) -> None:
        if condition not in CONSENT_CONDITIONS or with_whom is None or not {"partner", "group"} & set(with_whom):
            return
        if solo_alternative is None and "solo_alternative" not in self.doc.meta:
            self.error(
                ("with",),
                _(
                    "touch and eye-contact practices with others must offer a solo way in: "
                    "add solo_alternative (the slug of a solo practice, or a sentence)"
                ),
            )
        if safety is not None and not any(CONSENT_RE.search(note) for note in safety):
            self.error(
                ("safety",),
                _(
                    "touch and eye contact with others need a consent note in safety, e.g. "
                    "'Only if you both opt in; either of you can stop at any time.'"
                ),
            )

    def pacer_safety_check(self, steps: tuple[Step, ...] | None, safety: tuple[str, ...] | None) -> None:
        if steps is None or safety is None or not any(step.pacer is not None for step in steps):
            return
        if not any(DIZZY_RE.search(note) for note in safety):
            self.error(("safety",), _("practices with a breathing pacer need a safety note saying to stop if dizzy"))

    def slug(self, value: object) -> str | None:
        if value is None:
            self.error(
                ("slug",), _("missing field 'slug' (it should be '%(slug)s', the file name)", slug=self.doc.path.stem)
            )
            return None
        if not isinstance(value, str) or not SLUG_RE.match(value):
            self.error(("slug",), _("slug must be lowercase letters, digits and single hyphens, e.g. 'hand-on-heart'"))
            return None
        if value != self.doc.path.stem:
            self.error(
                ("slug",),
                _(
                    "slug '%(slug)s' must match the file name '%(file)s' (rename one of them)",
                    slug=value,
                    file=self.doc.path.name,
                ),
            )
            return None
        return value

    def text(self, key: str, value: object, *, max_chars: int) -> str | None:
        if value is None:
            self.error((key,), _("missing field '%(key)s'", key=key))
            return None
        if not isinstance(value, str) or not value.strip():
            self.error((key,), _("'%(key)s' must be some text", key=key))
            return None
        value = value.strip()
        if "\n" in value:
            self.error((key,), _("'%(key)s' must be a single line", key=key))
            return None
        if len(value) > max_chars:
            self.error(
                (key,),
                _(
                    "'%(key)s' is %(length)d characters; keep it to %(limit)d or fewer",
                    key=key,
                    length=len(value),
                    limit=max_chars,
                ),
            )
            return None
        return value

    def choice(self, key: str, value: object, allowed: Mapping[str, str]) -> str | None:
        if value is None:
            self.error((key,), _("missing field '%(key)s' (one of: %(choices)s)", key=key, choices=", ".join(allowed)))
            return None
        if not isinstance(value, str) or value not in allowed:
            self.error(
                (key,),
                _(
                    "unknown %(key)s '%(value)s'; expected one of: %(choices)s",
                    key=key,
                    value=value,
                    choices=", ".join(allowed),
                ),
            )
            return None
        return value

    def choices(self, key: str, value: object, allowed: Mapping[str, str]) -> tuple[str, ...] | None:
        if value is None:
            self.error(
                (key,), _("missing field '%(key)s' (a list from: %(choices)s)", key=key, choices=", ".join(allowed))
            )
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.error((key,), _("'%(key)s' must be a list from: %(choices)s", key=key, choices=", ".join(allowed)))
            return None
        ok = True
        for index, item in enumerate(value):
            if not isinstance(item, str) or item not in allowed:
                self.error(
                    (key, index),
                    _(
                        "unknown value '%(value)s' in '%(key)s'; expected one of: %(choices)s",
                        value=item,
                        key=key,
                        choices=", ".join(allowed),
                    ),
                )
                ok = False
        if ok and len(set(value)) != len(value):
            self.error((key,), _("'%(key)s' lists a value twice", key=key))
            ok = False
        return tuple(value) if ok else None

    def duration(self, value: object) -> float | None:
        low, high = DURATION_MIN_RANGE
        if value is None:
            self.error(("duration_min",), _("missing field 'duration_min' (minutes, e.g. 5)"))
            return None
        if not _is_number(value):
            self.error(("duration_min",), _("duration_min must be a number of minutes, e.g. 5"))
            return None
        assert isinstance(value, int | float)
        if not low <= value <= high:
            self.error(
                ("duration_min",),
                _(
                    "duration_min must be between %(low)g and %(high)g minutes, not %(value)s",
                    low=low,
                    high=high,
                    value=value,
                ),
            )
            return None
        return float(value)

    def mode(self, value: object) -> str | None:
        if value not in MODES:
            self.error(
                ("mode",),
                _(
                    "unknown mode '%(value)s'; expected one of: %(choices)s (calming if left out)",
                    value=value,
                    choices=", ".join(MODES),
                ),
            )
            return None
        assert isinstance(value, str)
        return value

    def safety(self, value: object) -> tuple[str, ...] | None:
        if value is None:
            self.error(("safety",), _("missing field 'safety' (a list of short notes, at least one)"))
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.error(("safety",), _("'safety' must be a list of short notes, at least one"))
            return None
        notes: list[str] = []
        for index, note in enumerate(value):
            if not isinstance(note, str) or not note.strip():
                self.error(("safety", index), _("each safety note must be some text"))
            else:
                notes.append(" ".join(note.split()))
        return tuple(notes) if len(notes) == len(value) else None

    def prompts(self, value: object) -> tuple[str, ...] | None:
        if value is None:
            return ()
        if not isinstance(value, list) or not 1 <= len(value) <= MAX_PROMPTS:
            self.error(("prompts",), _("'prompts' must be a list of 1 to %(limit)d questions", limit=MAX_PROMPTS))
            return None
        out: list[str] = []
        for index, prompt in enumerate(value):
            if not isinstance(prompt, str) or not prompt.strip():
                self.error(("prompts", index), _("each prompt must be some text"))
            elif len(" ".join(prompt.split())) > MAX_PROMPT_CHARS:
                self.error(("prompts", index), _("a prompt is at most %(limit)d characters", limit=MAX_PROMPT_CHARS))
            else:
                out.append(" ".join(prompt.split()))
        return tuple(out) if len(out) == len(value) else None

    def prompt_check(self, steps: tuple[Step, ...] | None, prompts: tuple[str, ...] | None) -> None:
        """A step that offers a prompt is done in turns, and the practice has prompts to offer."""
        for index, step in enumerate(steps or ()):
            where = ("steps", index, "prompt")
            if step.prompt and step.lead is None:
                self.error(
                    where,
                    _("step %(step)d: a prompt is offered only in a step done in turns (add lead)", step=index + 1),
                )
            elif step.prompt and prompts == ():
                self.error(where, _("step %(step)d offers a prompt, but the practice has no 'prompts'", step=index + 1))

    def solo_alternative(self, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(("solo_alternative",), _("solo_alternative must be the slug of a solo practice or a sentence"))
            return None
        return " ".join(value.split())

    # -- steps --------------------------------------------------------------------------------

    def steps(self, value: object, mode: str | None) -> tuple[Step, ...] | None:
        if value is None:
            self.error(("steps",), _("missing field 'steps' (a list of steps with title, seconds and text)"))
            return None
        if not isinstance(value, list) or not value:
            self.error(("steps",), _("'steps' must be a list of steps with title, seconds and text"))
            return None
        steps = [self.step(index, item, mode) for index, item in enumerate(value)]
        if any(step is None for step in steps):
            return None
        return tuple(step for step in steps if step is not None)

    def step(self, index: int, item: object, mode: str | None) -> Step | None:
        where = ("steps", index)
        n = index + 1
        if not isinstance(item, dict):
            self.error(where, _("step %(step)d must have title, seconds and text", step=n))
            return None
        for key in item:
            if str(key) not in STEP_FIELDS:
                self.error(
                    (*where, str(key)), _unknown_key_message(str(key), STEP_FIELDS, _("in step %(step)d", step=n))
                )
        before = len(self.errors)
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            self.error((*where, "title"), _("step %(step)d needs a title", step=n))
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            self.error((*where, "text"), _("step %(step)d needs some text", step=n))
        seconds = item.get("seconds")
        low, high = STEP_SECONDS_RANGE
        if seconds is None:
            self.error(
                (*where, "seconds"),
                _("step %(step)d needs seconds (how long it lasts, %(low)d to %(high)d)", step=n, low=low, high=high),
            )
        elif not isinstance(seconds, int) or isinstance(seconds, bool):
            self.error(
                (*where, "seconds"),
                _("step %(step)d: seconds must be a whole number, not '%(value)s'", step=n, value=seconds),
            )
        elif not low <= seconds <= high:
            self.error(
                (*where, "seconds"),
                _(
                    "step %(step)d: seconds must be between %(low)d and %(high)d, not %(value)s",
                    step=n,
                    low=low,
                    high=high,
                    value=seconds,
                ),
            )
        pacer = self.pacer(where, n, item.get("pacer"), mode)
        if pacer is not None and isinstance(seconds, int) and seconds < pacer.cycle_s:
            self.error(
                (*where, "seconds"),
                _(
                    "step %(step)d is shorter than one breath of its pacer (%(seconds)g s)",
                    step=n,
                    seconds=pacer.cycle_s,
                ),
            )
        lead = item.get("lead")
        if lead is not None and lead not in LEADS:
            self.error(
                (*where, "lead"),
                _(
                    "step %(step)d: lead is 'first' or 'second' (who leads this turn), not '%(value)s'",
                    step=n,
                    value=lead,
                ),
            )
        prompt = item.get("prompt", False)
        if not isinstance(prompt, bool):
            self.error(
                (*where, "prompt"), _("step %(step)d: prompt is true or false, not '%(value)s'", step=n, value=prompt)
            )
        if len(self.errors) > before:
            return None
        assert isinstance(title, str) and isinstance(text, str) and isinstance(seconds, int)
        return Step(
            title=title.strip(), seconds=seconds, text=" ".join(text.split()), pacer=pacer, lead=lead, prompt=prompt
        )

    def pacer(self, where: tuple[str | int, ...], n: int, value: object, mode: str | None) -> Pacer | None:
        if value is None:
            return None
        at = (*where, "pacer")
        if not isinstance(value, dict):
            self.error(
                at, _("step %(step)d: pacer must be like {inhale: 4.5, hold_in: 0, exhale: 5.5, hold_out: 0}", step=n)
            )
            return None
        before = len(self.errors)
        for key in value:
            if str(key) not in PACER_FIELDS:
                self.error(
                    (*at, str(key)),
                    _unknown_key_message(str(key), PACER_FIELDS, _("in the pacer of step %(step)d", step=n)),
                )
        phases: dict[str, float] = {}
        for key in PACER_FIELDS:
            raw = value.get(key, 0 if key.startswith("hold") else None)
            if raw is None:
                self.error(at, _("step %(step)d: the pacer needs '%(key)s' (seconds)", step=n, key=key))
            elif not _is_number(raw):
                self.error(
                    (*at, key),
                    _(
                        "step %(step)d: pacer '%(key)s' must be a number of seconds, not '%(value)s'",
                        step=n,
                        key=key,
                        value=raw,
                    ),
                )
            else:
                phases[key] = float(raw)
        if len(self.errors) > before:
            return None
        for key in ("inhale", "exhale", "hold_in", "hold_out"):
            problem = _phase_problem(n, key, phases[key], mode)
            if problem is not None:
                self.error((*at, key), problem)
        if len(self.errors) > before:
            return None
        pacer = Pacer(
            inhale_s=phases["inhale"],
            exhale_s=phases["exhale"],
            hold_in_s=phases["hold_in"],
            hold_out_s=phases["hold_out"],
        )
        low, high = BREATHS_PER_MIN_RANGE
        if not low <= pacer.breaths_per_min <= high:
            self.error(
                at,
                _(
                    "step %(step)d: the pacer gives %(breaths).1f breaths a minute; "
                    "keep it between %(low)g and %(high)g",
                    step=n,
                    breaths=pacer.breaths_per_min,
                    low=low,
                    high=high,
                ),
            )
            return None
        return pacer
