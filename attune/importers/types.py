"""Types that the ECG importers return."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, eq=False)
class EcgRecord:
    """One lead of ECG, ready for :func:`attune.core.ecg.detect_r_peaks`.

    Attributes
    ----------
    signal : ndarray of float64
        The samples, in ``units``.
    fs_hz : float
        The sampling rate. For irregular recordings it is the nominal rate
        (one over the median sample interval).
    t_s : ndarray of float64 or None
        The time of every sample in seconds, only when the samples are not evenly
        spaced (chest straps and some loggers write them so); ``None`` otherwise.
    source : str
        The format and file it came from, for display and provenance.
    units : str
        ``"mV"`` for calibrated signals, ``"adc"`` for raw converter counts.
    label : str
        The lead or channel name, when the file names one.
    """

    signal: npt.NDArray[np.float64]
    fs_hz: float
    t_s: npt.NDArray[np.float64] | None
    source: str
    units: str
    label: str = ""

    @property
    def duration_s(self) -> float:
        """Length of the recording in seconds."""
        if self.t_s is not None and self.t_s.size > 1:
            return float(self.t_s[-1] - self.t_s[0])
        return float(self.signal.size / self.fs_hz)
