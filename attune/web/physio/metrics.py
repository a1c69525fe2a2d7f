"""The numbers of a recording's summary as its page shows them: each with its name, unit and meaning.

The page draws every one with the same partial (``physio/recording_detail.html#metric``); this is
the list it draws, in the member's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext

from attune.web.physio.models import Recording


@dataclass(frozen=True)
class Metric:
    """One number: ``value`` to ``places`` decimals, or None while it is still calibrating."""

    name: str
    value: float | None
    places: int
    unit: str
    what: str


def summary_metrics(rec: Recording, coherence_threshold: float) -> list[Metric]:
    """The summary's numbers in the order the page shows them."""
    coherent = gettext(
        "How long your heart rhythm was coherent: the seconds of beats whose coherence was at least "
        "%(threshold)s, meaning at least as much of the rhythm's power sat in one smooth peak (between "
        "0.04 and 0.26 Hz, or at your pacer) as in everything else. Coherence is worked out over the last "
        "64 s of beats at each beat, after McCraty; the first minute or so is calibration and never "
        "counts. Out of %(recorded)s s recorded."
    ) % {"threshold": floatformat(coherence_threshold, "-1"), "recorded": floatformat(rec.duration_s, 0)}
    return [
        Metric(gettext("Time in coherence"), rec.time_in_coherence_s, 0, gettext("s in coherence"), coherent),
        Metric(
            gettext("RMSSD, whole recording"),
            rec.rmssd_ms,
            1,
            gettext("ms RMSSD"),
            gettext(
                "RMSSD: the root mean square of the differences between successive heartbeats, over the whole "
                "recording, after unusual beats were corrected (Lipponen and Tarvainen's method). It reflects "
                'the quick, breath-linked changes in your heart rate. Higher is not "better" on any one day; '
                "it is most useful next to your own earlier recordings."
            ),
        ),
        Metric(
            gettext("Live RMSSD, mean"),
            rec.mean_rmssd_live_ms,
            1,
            gettext("ms live RMSSD, mean"),
            gettext(
                "The average of the RMSSD you saw during the practice, each computed over the previous 60 s "
                "of beats, leaving out calibration."
            ),
        ),
        Metric(
            gettext("Breathing rate"),
            rec.breathing_rate_bpm,
            1,
            gettext("breaths a minute"),
            gettext(
                "Your breathing rate as your heart rhythm shows it (heart rate rises as you breathe in and "
                "falls as you breathe out): the median of the live estimates, each from the last 64 s of "
                "beats. It is an estimate, most reliable when breathing is slow and even."
            ),
        ),
        Metric(
            gettext("Mean heart rate"),
            rec.mean_hr_bpm,
            0,
            gettext("bpm, mean heart rate"),
            gettext(
                "The mean of your beat-by-beat heart rate (60 000 divided by each corrected interval in ms) "
                "over the whole recording."
            ),
        ),
        Metric(
            gettext("Beats corrected"),
            rec.artifact_percent,
            1,
            # A sentence with a percent sign is a format with %%, as the template's {% translate %} wrote it.
            gettext("%% beats corrected") % {},
            gettext(
                "The share of beats that looked like a missed, extra or misplaced beat (often a strap moving "
                "on the skin) and were corrected before the numbers above were worked out. Under 5 %% is a "
                "clean recording."
            )
            % {},
        ),
    ]
