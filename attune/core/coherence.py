"""Heart-rhythm coherence after McCraty, and the short-window spectrum it rests on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attune.core._common import ArrayLike, FloatArray, as_rr_ms, beat_times_s

COHERENCE_PEAK_BAND_HZ = (0.04, 0.26)
COHERENCE_TOTAL_BAND_HZ = (0.0033, 0.4)
# A spectral peak's power is the power within this of its frequency: the coherence peak, the
# breathing peak and the resonance LF peak are all measured so.
PEAK_HALF_WIDTH_HZ = 0.015
COHERENCE_HALF_WIDTH_HZ = PEAK_HALF_WIDTH_HZ
SHORT_FS_HZ = 2.0
SHORT_NFFT = 512


class ShortSpectrum:
    """Power spectrum of the last ``window_s`` seconds of beats, built for speed.

    The beats are linearly interpolated on a 2 Hz grid ending at the last beat
    (HeartMath resamples every 500 ms), a least-squares line is removed, a Hann
    window applied, and the series zero-padded to 512 points (0.0039 Hz bins).
    The PSD is one-sided, in ms²/Hz. Everything that depends only on the window
    length is computed once, so one call costs a few tens of microseconds.
    """

    def __init__(self, window_s: float = 64.0, fs_hz: float = SHORT_FS_HZ, nfft: int = SHORT_NFFT) -> None:
        if window_s <= 0:
            raise ValueError(f"window_s must be positive; got {window_s}.")
        self.window_s = float(window_s)
        self.fs_hz = float(fs_hz)
        self.n = round(window_s * fs_hz)
        self.nfft = max(int(nfft), 1 << int(np.ceil(np.log2(self.n))))
        self.offsets = np.arange(self.n, dtype=np.float64) / fs_hz - (self.n - 1) / fs_hz
        self.taper = np.hanning(self.n)
        self.scale = 2.0 / (fs_hz * float(np.sum(self.taper**2)))
        self.freqs: FloatArray = np.asarray(np.fft.rfftfreq(self.nfft, d=1.0 / fs_hz), dtype=np.float64)
        self.df = float(self.freqs[1])
        x = np.arange(self.n, dtype=np.float64)
        self._xc = x - x.mean()
        self._xcc = float(self._xc @ self._xc)
        self._ranges: dict[tuple[float, float], tuple[int, int]] = {}

    def bins(self, lo: float, hi: float) -> tuple[int, int]:
        """First and last bin index with ``lo <= f <= hi`` (cached)."""
        key = (lo, hi)
        r = self._ranges.get(key)
        if r is None:
            i0 = max(int(np.ceil(lo / self.df - 1e-9)), 0)
            i1 = min(int(np.floor(hi / self.df + 1e-9)), self.freqs.size - 1)
            r = (i0, i1)
            if len(self._ranges) < 64:
                self._ranges[key] = r
        return r

    def psd(self, t_s: FloatArray, rr_ms: FloatArray) -> FloatArray:
        """PSD of the series ``rr_ms`` observed at beat times ``t_s`` (ascending)."""
        grid = t_s[-1] + self.offsets
        y = np.interp(grid, t_s, rr_ms)
        y = y - y.mean()
        y = y - (self._xc @ y / self._xcc) * self._xc
        spec = np.fft.rfft(y * self.taper, self.nfft)
        p = (spec.real**2 + spec.imag**2) * self.scale
        p[0] *= 0.5
        return np.asarray(p, dtype=np.float64)

    def psd_rows(self, y: FloatArray) -> FloatArray:
        """PSD of each row of ``y`` (already on the 2 Hz grid, ``n`` samples a row), as :meth:`psd` does."""
        y = y - y.mean(axis=1, keepdims=True)
        # einsum, not a BLAS product: OpenBLAS threads cost more than they save on rows this short.
        y -= np.outer(np.einsum("ij,j->i", y, self._xc) / self._xcc, self._xc)
        spec = np.fft.rfft(y * self.taper, self.nfft, axis=1)
        p = (spec.real**2 + spec.imag**2) * self.scale
        p[:, 0] *= 0.5
        return np.asarray(p, dtype=np.float64)

    def band(self, psd: FloatArray, lo: float, hi: float) -> float:
        """Power (ms²) in ``lo <= f <= hi`` as bin sum times bin width."""
        i0, i1 = self.bins(lo, hi)
        return float(psd[i0 : i1 + 1].sum()) * self.df

    def peak(self, psd: FloatArray, lo: float, hi: float) -> tuple[float, int]:
        """Frequency and bin index of the largest bin in ``lo <= f <= hi``."""
        i0, i1 = self.bins(lo, hi)
        k = i0 + int(psd[i0 : i1 + 1].argmax())
        return float(self.freqs[k]), k


_SPECTRA: dict[float, ShortSpectrum] = {}


def short_spectrum(window_s: float) -> ShortSpectrum:
    """A cached :class:`ShortSpectrum` for ``window_s``."""
    spec = _SPECTRA.get(window_s)
    if spec is None:
        spec = _SPECTRA[window_s] = ShortSpectrum(window_s)
    return spec


@dataclass(frozen=True)
class Coherence:
    """The coherence ratio and how it was computed.

    Attributes
    ----------
    ratio : float
        ``peak power / (total power - peak power)``.
    peak_fraction : float
        ``peak power / total power`` (0 to 1), the same evidence on a bounded scale.
    peak_hz : float
        Centre of the peak: the largest bin in ``peak_band_hz``, or the pacer.
    peak_power_ms2, total_power_ms2 : float
        Power within ``half_width_hz`` of the peak and over ``total_band_hz``.
    peak_band_hz, total_band_hz : (float, float)
        Where the peak is searched and over which the total is taken.
    half_width_hz : float
        Half-width of the peak window (0.015 Hz).
    window_s : float
        Length of the analysed window (the last ``window_s`` seconds of beats).
    pacer_hz : float or None
        The pacer frequency when the peak was locked to it.
    method : str
        One sentence a person can read.
    """

    ratio: float
    peak_fraction: float
    peak_hz: float
    peak_power_ms2: float
    total_power_ms2: float
    peak_band_hz: tuple[float, float]
    total_band_hz: tuple[float, float]
    half_width_hz: float
    window_s: float
    pacer_hz: float | None
    method: str


def coherence_numbers(
    spec: ShortSpectrum, psd: FloatArray, pacer_hz: float | None
) -> tuple[float, float, float, float]:
    """Ratio, peak frequency, peak power and total power (the fast path of the streaming meter)."""
    if pacer_hz is None:
        peak_hz, _ = spec.peak(psd, *COHERENCE_PEAK_BAND_HZ)
    else:
        peak_hz = float(pacer_hz)
    hw = COHERENCE_HALF_WIDTH_HZ
    i0 = max(int(np.ceil((peak_hz - hw) / spec.df - 1e-9)), 0)
    i1 = int(np.floor((peak_hz + hw) / spec.df + 1e-9))
    peak_p = float(psd[i0 : i1 + 1].sum()) * spec.df
    total = spec.band(psd, *COHERENCE_TOTAL_BAND_HZ)
    rest = total - peak_p
    ratio = peak_p / rest if rest > 0 else float("inf") if peak_p > 0 else 0.0
    return ratio, peak_hz, peak_p, total


def coherence_from_psd(spec: ShortSpectrum, psd: FloatArray, pacer_hz: float | None) -> Coherence:
    """Coherence from a PSD computed by ``spec``."""
    lo, hi = COHERENCE_PEAK_BAND_HZ
    if pacer_hz is None:
        where = f"the highest peak between {lo:g} and {hi:g} Hz"
    else:
        where = f"the pacer frequency {pacer_hz:.3f} Hz ({60 * pacer_hz:.1f} breaths/min)"
    hw = COHERENCE_HALF_WIDTH_HZ
    ratio, peak_hz, peak_p, total = coherence_numbers(spec, psd, pacer_hz)
    method = (
        f"Power within {hw:g} Hz of {where}, divided by the rest of the power between "
        f"{COHERENCE_TOTAL_BAND_HZ[0]:g} and {COHERENCE_TOTAL_BAND_HZ[1]:g} Hz, over the last "
        f"{spec.window_s:g} s of beats (after McCraty 2009)."
    )
    return Coherence(
        ratio=float(ratio),
        peak_fraction=peak_p / total if total > 0 else 0.0,
        peak_hz=peak_hz,
        peak_power_ms2=peak_p,
        total_power_ms2=total,
        peak_band_hz=COHERENCE_PEAK_BAND_HZ,
        total_band_hz=COHERENCE_TOTAL_BAND_HZ,
        half_width_hz=hw,
        window_s=spec.window_s,
        pacer_hz=pacer_hz,
        method=method,
    )


def last_window(rr_ms: FloatArray, window_s: float, what: str) -> tuple[FloatArray, FloatArray]:
    """Beat times and intervals covering the last ``window_s`` seconds (one beat before it too)."""
    t = beat_times_s(rr_ms)
    if t[-1] < window_s:
        raise ValueError(f"{what} needs at least {window_s:g} s of beats; got {t[-1]:.1f} s.")
    start = int(np.searchsorted(t, t[-1] - window_s, side="right")) - 1
    start = max(start, 0)
    return t[start:], rr_ms[start:]


def coherence(rr_ms: ArrayLike, *, window_s: float = 64.0, pacer_hz: float | None = None) -> Coherence:
    """Coherence ratio of the last ``window_s`` seconds of RR intervals.

    Parameters
    ----------
    rr_ms : array_like
        RR (preferably NN) intervals in ms covering at least ``window_s`` seconds.
    window_s : float
        Analysis window, 64 s after McCraty.
    pacer_hz : float, optional
        Lock the peak to a known breathing-pacer frequency instead of searching
        for it. It must lie between 0.03 and 0.4 Hz.

    Returns
    -------
    Coherence

    Raises
    ------
    ValueError
        With less than ``window_s`` seconds of beats, or a pacer outside the range.

    Notes
    -----
    The window's beats are interpolated at 2 Hz, a linear trend removed, a Hann
    taper applied and the spectrum taken with 512-point zero padding. The peak is
    the largest bin in 0.04 to 0.26 Hz; the peak power is the power within
    0.015 Hz either side; the ratio divides it by the rest of the power between
    0.0033 and 0.4 Hz (the total band, stated because McCraty's papers leave it
    implicit). A steady 0.1 Hz rhythm gives ratios well above 1; white noise
    gives ratios near 0.1.

    References
    ----------
    McCraty R, Atkinson M, Tomasino D, Bradley RT. The coherent heart:
    heart-brain interactions, psychophysiological coherence, and the emergence
    of system-wide order. Integral Review 5(2):10-115 (2009).
    """
    rr = as_rr_ms(rr_ms, what="coherence", min_beats=4)
    if pacer_hz is not None and not 0.03 <= pacer_hz <= 0.4:
        raise ValueError(f"pacer_hz must be between 0.03 and 0.4 Hz; got {pacer_hz}.")
    t, w = last_window(rr, window_s, "coherence")
    spec = short_spectrum(window_s)
    return coherence_from_psd(spec, spec.psd(t, w), pacer_hz)
