"""Documented noise models for stress-testing beat detection (used by the tests and bench/).

The MIT-BIH Noise Stress Test Database (Moody, Muldrow and Mark 1984) adds recorded noise to
clean records; its recordings are not in ``../shared/data``, so the three kinds are built here
from their published descriptions, seeded, at 360 Hz or any rate:

- ``"baseline"`` (baseline wander): respiration at 0.2 to 0.33 Hz plus slow drift at 0.02 to
  0.1 Hz, each a sinusoid of random phase (Friesen et al. 1990 model it as a 0.15 to 0.3 Hz
  sinusoid; the drift is our addition).
- ``"muscle"`` (electromyographic noise): zero-mean Gaussian noise band-limited to 10-150 Hz
  (4th-order Butterworth), the model of Friesen et al. 1990 and Clifford et al. 2006; it
  overlaps the upper half of the QRS band.
- ``"motion"`` (electrode-motion-like): the hardest kind, because it sits in the QRS band. Bursts
  arrive at random (0.5 per second), each 0.1 to 0.6 s of Gaussian noise band-limited to 1 to
  20 Hz under a Hann envelope, on top of baseline steps that decay with a 0.3 s time constant,
  as electrode-skin potential changes do.

Signal-to-noise ratio as in the NSTDB: ``SNR = 10 log10(S / N)`` with ``S`` the mean over beats of
the squared peak-to-peak QRS amplitude divided by 8 (the power of a sine of that peak-to-peak
size) and ``N`` the mean power of the noise where it is present. Noise is applied as in the NSTDB
protocol: the first 5 minutes clean, then alternately 2 minutes with noise and 2 minutes without.

References
----------
Moody GB, Muldrow WE, Mark RG. A noise stress test for arrhythmia detectors. Computers in
Cardiology 11:381-384 (1984).

Friesen GM et al. A comparison of the noise sensitivity of nine QRS detection algorithms. IEEE
Trans Biomed Eng 37(1):85-98 (1990).

Clifford GD, Azuaje F, McSharry PE. Advanced Methods and Tools for ECG Data Analysis, ch. 3
(Artech House, 2006).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import signal as sps

KINDS = ("baseline", "muscle", "motion")
SNRS_DB = (12.0, 6.0, 0.0, -6.0)


def _band(rng: np.random.Generator, n: int, fs_hz: float, lo: float, hi: float) -> npt.NDArray[np.float64]:
    sos = sps.butter(4, [lo, min(hi, 0.45 * fs_hz)], btype="bandpass", fs=fs_hz, output="sos")
    return np.asarray(sps.sosfiltfilt(sos, rng.standard_normal(n)), dtype=np.float64)


def noise(kind: str, n: int, fs_hz: float, seed: int = 0) -> npt.NDArray[np.float64]:
    """``n`` samples of unit-power noise of one kind (see the module docstring)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs_hz
    if kind == "baseline":
        out = np.zeros(n)
        for lo, hi in ((0.2, 0.33), (0.02, 0.1), (0.02, 0.1)):
            out += np.sin(2 * np.pi * rng.uniform(lo, hi) * t + rng.uniform(0, 2 * np.pi))
    elif kind == "muscle":
        out = _band(rng, n, fs_hz, 10.0, 150.0)
    elif kind == "motion":
        out = np.zeros(n)
        carrier = _band(rng, n, fs_hz, 1.0, 20.0)
        for start in np.flatnonzero(rng.random(n) < 0.5 / fs_hz):
            length = int(rng.uniform(0.1, 0.6) * fs_hz)
            stop = min(start + length, n)
            out[start:stop] += np.hanning(length)[: stop - start] * carrier[start:stop] * rng.uniform(0.5, 2.0)
        steps = np.zeros(n)
        steps[rng.random(n) < 0.2 / fs_hz] = rng.standard_normal() * 3.0
        decay = np.exp(-1.0 / (0.3 * fs_hz))
        out += sps.lfilter([1.0], [1.0, -decay], steps)
    else:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    return out / np.sqrt(np.mean(out**2))


def qrs_signal_power(ecg: npt.NDArray[np.float64], r_peaks: npt.NDArray[np.int64], fs_hz: float) -> float:
    """NSTDB signal power: mean over beats of (peak-to-peak QRS amplitude)^2 / 8, QRS = R peak +- 50 ms."""
    half = round(0.05 * fs_hz)
    idx = np.clip(r_peaks[:, None] + np.arange(-half, half + 1)[None, :], 0, ecg.size - 1)
    seg = ecg[idx]
    return float(np.mean((seg.max(axis=1) - seg.min(axis=1)) ** 2) / 8.0)


def stressed(
    ecg: npt.NDArray[np.float64], r_peaks: npt.NDArray[np.int64], fs_hz: float, kind: str, snr_db: float, seed: int = 0
) -> npt.NDArray[np.float64]:
    """``ecg`` with noise of ``kind`` at ``snr_db`` in the NSTDB's alternating 2-minute stretches."""
    minute = round(60 * fs_hz)
    on = np.zeros(ecg.size, dtype=bool)
    for start in range(5 * minute, ecg.size, 4 * minute):
        on[start : start + 2 * minute] = True
    scale = np.sqrt(qrs_signal_power(ecg, r_peaks, fs_hz) / 10 ** (snr_db / 10.0))
    return np.asarray(ecg + on * scale * noise(kind, ecg.size, fs_hz, seed), dtype=np.float64)
