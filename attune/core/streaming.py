"""A live meter that takes one RR interval at a time."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

from attune.core.breathing import breathing_peak_hz
from attune.core.coherence import coherence_numbers, short_spectrum

STATE_VERSION = 1
_MIN_RR_MS = 250.0
_MAX_RR_MS = 2500.0
_REFERENCE_BEATS = 9
_MAX_REJECTED_IN_A_ROW = 5
# The MeterSeries columns that hold the numbers of StreamingMeter._numbers, in its order.
_NUMBER_COLUMNS = ("hr_bpm", "rmssd_ms", "coherence", "coherence_peak_hz", "breathing_rate_bpm")


@dataclass(frozen=True)
class MeterReading:
    """What the meter knows after one beat.

    Attributes
    ----------
    beat_time_s : float
        Time of this beat from the first beat the meter saw (the sum of all RR).
    rr_ms : float
        The interval just received.
    hr_bpm : float
        ``60000 / RR`` of the latest accepted beat.
    rmssd_ms : float or None
        RMSSD over the accepted beats of the last ``rmssd_window_s`` seconds;
        None until 30 s of beats (half the window) are in.
    coherence : float or None
        Coherence ratio over the last ``window_s`` seconds; None while calibrating.
    coherence_peak_hz : float or None
        Where the coherence peak sits (the pacer frequency when locked to one).
    breathing_rate_bpm : float or None
        RSA breathing-rate estimate over the same window.
    artifact : bool
        True when this interval was judged irregular and left out.
    calibrating : bool
        True until every number is available.
    seconds_to_ready : float
        Seconds of beats still needed (0 when ready).
    status : str
        One plain sentence for the screen.
    """

    beat_time_s: float
    rr_ms: float
    hr_bpm: float
    rmssd_ms: float | None
    coherence: float | None
    coherence_peak_hz: float | None
    breathing_rate_bpm: float | None
    artifact: bool
    calibrating: bool
    seconds_to_ready: float
    status: str


@dataclass(frozen=True)
class MeterSeries:
    """What the meter knew after each of many beats (:meth:`StreamingMeter.update_many`).

    Parallel arrays, one element per beat, holding what the :class:`MeterReading` of the same
    beat holds (NaN where it holds None); there is no status sentence.
    """

    beat_time_s: npt.NDArray[np.float64]
    rr_ms: npt.NDArray[np.float64]
    hr_bpm: npt.NDArray[np.float64]
    rmssd_ms: npt.NDArray[np.float64]
    coherence: npt.NDArray[np.float64]
    coherence_peak_hz: npt.NDArray[np.float64]
    breathing_rate_bpm: npt.NDArray[np.float64]
    artifact: npt.NDArray[np.bool_]
    calibrating: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.rr_ms.size)


class StreamingMeter:
    """Heart rate, RMSSD, coherence and breathing rate, one beat at a time.

    Parameters
    ----------
    window_s : float
        Window for coherence and breathing rate (64 s, after McCraty).
    rmssd_window_s : float
        Window for RMSSD (60 s).
    pacer_hz : float, optional
        Lock the coherence peak to a breathing pacer's frequency.

    Notes
    -----
    Each update costs O(beats in the window): a 2 Hz linear interpolation of
    about 128 samples and one 512-point FFT shared by coherence and breathing
    rate, a few tens of microseconds. Only the window is stored.

    Artifacts: an interval outside 250 to 2500 ms, or more than 25 % away from
    the median of the last 9 accepted intervals, is left out (the beat timeline
    still advances by it, and no successive difference spans it). After 5
    rejections in a row the reference is reset, so a real change of pace is
    followed.

    Resuming: :meth:`to_state` returns a small JSON-serialisable dict (the window
    of beats and the timeline) and :meth:`from_state` rebuilds an identical
    meter. A server that kept only the raw RR intervals can instead replay them:
    ``StreamingMeter.from_rr(rr_history)`` feeds the last few minutes through
    :meth:`update` and gives the same readings.
    """

    def __init__(self, window_s: float = 64.0, rmssd_window_s: float = 60.0, pacer_hz: float | None = None) -> None:
        if window_s <= 0 or rmssd_window_s <= 0:
            raise ValueError("window_s and rmssd_window_s must be positive.")
        if pacer_hz is not None and not 0.03 <= pacer_hz <= 0.4:
            raise ValueError(f"pacer_hz must be between 0.03 and 0.4 Hz; got {pacer_hz}.")
        self.window_s = float(window_s)
        self.rmssd_window_s = float(rmssd_window_s)
        self.pacer_hz = pacer_hz
        self._spec = short_spectrum(self.window_s)
        self._keep_s = max(self.window_s, self.rmssd_window_s) + 5.0
        self._now = 0.0
        self._start = 0.0
        self._t: deque[float] = deque()
        self._rr: deque[float] = deque()
        # Squared successive differences and when each was taken, side by side, so the RMSSD is a
        # plain sum over one deque (the same values in the same order as before: the same result).
        self._d2_t: deque[float] = deque()
        self._d2: deque[float] = deque()
        self._ref: deque[float] = deque(maxlen=_REFERENCE_BEATS)
        self._rejected = 0
        self._last_accepted: float | None = None
        self._started = False

    # ------------------------------------------------------------------ update
    def update(self, rr_ms: float) -> MeterReading:
        """Take one RR interval (ms) and return the current reading."""
        rr = float(rr_ms)
        if not math.isfinite(rr) or rr <= 0:
            raise ValueError(f"update needs one positive RR interval in ms; got {rr_ms!r}.")
        artifact = self._step(rr)
        hr, rmssd, coh, peak, breath, to_ready = self._numbers(rr)
        calibrating = coh is None or rmssd is None
        if artifact:
            status = "That beat looked irregular, so it was left out."
        elif calibrating:
            status = f"Calibrating: about {math.ceil(to_ready)} s more of steady beats."
        else:
            status = f"Reading the last {self.window_s:g} s of beats."
        return MeterReading(
            beat_time_s=self._now,
            rr_ms=rr,
            hr_bpm=hr,
            rmssd_ms=rmssd,
            coherence=coh,
            coherence_peak_hz=peak,
            breathing_rate_bpm=breath,
            artifact=artifact,
            calibrating=calibrating,
            seconds_to_ready=to_ready,
            status=status,
        )

    def update_many(self, rr_ms: ArrayLike) -> MeterSeries:
        """Take many RR intervals (ms) at once; the readings after each, as arrays.

        The numbers are exactly those of :meth:`update` called once per interval (the same code
        computes them), without a :class:`MeterReading` and its status sentence for every beat,
        which a replay of a long recording does not need.

        Raises
        ------
        ValueError
            If any interval is not finite and positive; the meter is then left as it was.
        """
        rr_all = np.asarray(rr_ms, dtype=np.float64).ravel()
        if rr_all.size and not (np.all(np.isfinite(rr_all)) and np.all(rr_all > 0)):
            raise ValueError("update_many needs positive, finite RR intervals in ms.")
        n = rr_all.size
        nan = math.nan
        beat_time = np.empty(n)
        artifact = np.zeros(n, dtype=bool)
        numbers = {name: np.empty(n) for name in _NUMBER_COLUMNS}
        columns = list(numbers.values())
        for k, rr in enumerate(rr_all.tolist()):
            artifact[k] = self._step(rr)
            beat_time[k] = self._now
            *values, _ = self._numbers(rr)
            for column, value in zip(columns, values, strict=True):
                column[k] = nan if value is None else value
        # The numbers are never NaN once known, so NaN marks exactly the ones not known yet.
        calibrating = np.isnan(numbers["coherence"]) | np.isnan(numbers["rmssd_ms"])
        return MeterSeries(
            beat_time_s=beat_time, rr_ms=rr_all.copy(), artifact=artifact, calibrating=calibrating, **numbers
        )

    def _step(self, rr: float) -> bool:
        """Move the timeline on by one checked interval; whether it was left out as an artifact."""
        self._now += rr / 1000.0
        artifact = self._is_artifact(rr)
        if artifact:
            self._rejected += 1
            if self._rejected >= _MAX_REJECTED_IN_A_ROW and _MIN_RR_MS <= rr <= _MAX_RR_MS:
                self._ref.clear()
                artifact = False
        if not artifact:
            self._accept(rr)
        self._trim()
        return artifact

    def _is_artifact(self, rr: float) -> bool:
        if not _MIN_RR_MS <= rr <= _MAX_RR_MS:
            return True
        if len(self._ref) < 3:
            return False
        ref = sorted(self._ref)[len(self._ref) // 2]
        return abs(rr - ref) > 0.25 * ref

    def _accept(self, rr: float) -> None:
        if not self._started:
            self._started = True
            self._start = self._now - rr / 1000.0
        prev = self._last_accepted
        if prev is not None and self._rejected == 0:
            self._d2_t.append(self._now)
            self._d2.append((rr - prev) ** 2)
        self._rejected = 0
        self._last_accepted = rr
        self._ref.append(rr)
        self._t.append(self._now)
        self._rr.append(rr)

    def _trim(self) -> None:
        edge = self._now - self._keep_s
        while len(self._t) > 4 and self._t[1] < edge:
            self._t.popleft()
            self._rr.popleft()
        edge_d = self._now - self.rmssd_window_s
        while self._d2_t and self._d2_t[0] < edge_d:
            self._d2_t.popleft()
            self._d2.popleft()

    def _numbers(self, rr: float) -> tuple[float, float | None, float | None, float | None, float | None, float]:
        """Heart rate, RMSSD, coherence, its peak, breathing rate and seconds to ready, now."""
        covered = self._now - self._start if self._started else 0.0
        hr = 60000.0 / self._last_accepted if self._last_accepted else 60000.0 / rr
        rmssd: float | None = None
        if covered >= 0.5 * self.rmssd_window_s and len(self._d2) >= 2:
            rmssd = math.sqrt(sum(self._d2) / len(self._d2))
        coh: float | None = None
        peak: float | None = None
        breath: float | None = None
        ready = covered >= self.window_s and len(self._t) >= 8
        if ready:
            t = np.fromiter(self._t, dtype=np.float64, count=len(self._t))
            v = np.fromiter(self._rr, dtype=np.float64, count=len(self._rr))
            psd = self._spec.psd(t, v)
            coh, peak, _, _ = coherence_numbers(self._spec, psd, self.pacer_hz)
            breath = 60.0 * breathing_peak_hz(self._spec, psd, sum(self._rr) / len(self._rr))[0]
        return hr, rmssd, coh, peak, breath, max(0.0, self.window_s - covered)

    # ------------------------------------------------------------------ state
    def to_state(self) -> dict[str, Any]:
        """A small JSON-serialisable snapshot of the meter."""
        return {
            "version": STATE_VERSION,
            "window_s": self.window_s,
            "rmssd_window_s": self.rmssd_window_s,
            "pacer_hz": self.pacer_hz,
            "now": self._now,
            "start": self._start,
            "started": self._started,
            "t": list(self._t),
            "rr": list(self._rr),
            "d2": [[t, v] for t, v in zip(self._d2_t, self._d2, strict=True)],
            "ref": list(self._ref),
            "rejected": self._rejected,
            "last_accepted": self._last_accepted,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> StreamingMeter:
        """Rebuild a meter from :meth:`to_state` output."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"Unknown meter state version {state.get('version')!r}; expected {STATE_VERSION}.")
        meter = cls(float(state["window_s"]), float(state["rmssd_window_s"]), state["pacer_hz"])
        meter._now = float(state["now"])
        meter._start = float(state["start"])
        meter._started = bool(state["started"])
        meter._t = deque(float(x) for x in state["t"])
        meter._rr = deque(float(x) for x in state["rr"])
        meter._d2_t = deque(float(a) for a, _ in state["d2"])
        meter._d2 = deque(float(b) for _, b in state["d2"])
        meter._ref = deque((float(x) for x in state["ref"]), maxlen=_REFERENCE_BEATS)
        meter._rejected = int(state["rejected"])
        last = state["last_accepted"]
        meter._last_accepted = None if last is None else float(last)
        return meter

    @classmethod
    def from_rr(
        cls,
        rr_history_ms: list[float] | np.ndarray[Any, Any],
        window_s: float = 64.0,
        rmssd_window_s: float = 60.0,
        pacer_hz: float | None = None,
    ) -> StreamingMeter:
        """Recreate a meter by replaying stored RR intervals (only the tail that matters)."""
        meter = cls(window_s, rmssd_window_s, pacer_hz)
        rr = np.asarray(rr_history_ms, dtype=np.float64)
        if rr.size:
            keep_s = meter._keep_s + 30.0
            tail = np.cumsum(rr[::-1]) / 1000.0
            first = rr.size - int(np.searchsorted(tail, keep_s, side="right")) - 1
            first = max(first, 0)
            meter._now = float(np.sum(rr[:first])) / 1000.0
            for value in rr[first:]:
                meter.update(float(value))
        return meter
