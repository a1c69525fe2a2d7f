"""attune.core.insights: what helps a member, learned from their own practice sessions.

- :func:`personal_map`: for each practice and condition, by starting state, the change in felt
  safety and how often sessions ended settled, each pooled and with an interval.
- :func:`suggest`: a practice for this moment by Thompson sampling, inside the safety rules, with
  a reason from the member's own data.
- :func:`weekly_reflection`: the pieces of a gentle weekly look back.

Import what you need from here; the submodules are implementation detail. ``docs/insights.md``
describes the models, priors and thresholds.
"""

from __future__ import annotations

from attune.core.insights.hierarchy import PRIOR_MODES, Hyper
from attune.core.insights.learner import LearnedSuggestion, Pick, best_guess, screen, suggest
from attune.core.insights.personal_map import INTERVAL_LEVEL, MIN_SESSIONS, Estimate, PersonalMap, Row, personal_map
from attune.core.insights.posterior import Posterior, fit_posterior
from attune.core.insights.records import (
    COMPANY,
    STATES,
    CheckInRecord,
    Moment,
    PracticeInfo,
    PracticeLike,
    PracticeOutcome,
    context_key,
)
from attune.core.insights.reflection import Helped, WeeklyReflection, weekly_reflection

__all__ = [
    "COMPANY",
    "INTERVAL_LEVEL",
    "MIN_SESSIONS",
    "PRIOR_MODES",
    "STATES",
    "CheckInRecord",
    "Estimate",
    "Helped",
    "Hyper",
    "LearnedSuggestion",
    "Moment",
    "PersonalMap",
    "Pick",
    "Posterior",
    "PracticeInfo",
    "PracticeLike",
    "PracticeOutcome",
    "Row",
    "WeeklyReflection",
    "best_guess",
    "context_key",
    "fit_posterior",
    "personal_map",
    "screen",
    "suggest",
    "weekly_reflection",
]
