"""The model's input (core/features.py): the log-mel recipe's shape, where a tone's energy
lands, one loudness for every window, and the windows of a whole clip."""

from __future__ import annotations

import numpy as np

from genre_desktop.core import features as F


def tone(hz: float, seconds: float, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * F.SAMPLE_RATE)) / F.SAMPLE_RATE
    return (amp * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def test_a_window_is_187_frames_of_96_bands_about_3_seconds():
    assert F.WINDOW_SAMPLES == 186 * 256 and abs(F.WINDOW_SECONDS - 2.976) < 1e-3
    w = F.window_features(tone(440, 3.0))
    assert w.shape == (F.WINDOW_FRAMES, F.N_MELS) and w.dtype == np.float32
    assert F.log_mel(np.zeros(1000, np.float32)).shape == (1 + 1000 // 256, 96)


def test_a_tone_lands_in_the_band_of_its_frequency_and_a_higher_tone_higher():
    bank = F.mel_filterbank()
    assert bank.shape == (96, 257) and (bank >= 0).all()
    peaks = []
    for hz in (220.0, 880.0, 3520.0):
        mel = F.log_mel(tone(hz, 1.0)).mean(axis=0)
        peaks.append(int(np.argmax(mel)))
        bin_of_hz = int(round(hz / (F.SAMPLE_RATE / F.N_FFT)))
        assert bank[peaks[-1], bin_of_hz] > 0  # the loudest band's filter covers the tone
    assert peaks[0] < peaks[1] < peaks[2]


def test_every_window_is_brought_to_one_loudness_but_silence_stays_silent():
    def dbfs(y: np.ndarray) -> float:
        return 20 * np.log10(float(np.sqrt(np.mean(np.square(y, dtype=np.float64)))))

    for amp in (0.9, 0.05):
        assert abs(dbfs(F.normalise_loudness(tone(440, 1.0, amp))) - F.TARGET_RMS_DBFS) < 0.01
    quiet = tone(440, 1.0, 1e-5)  # -103 dBFS: raised by 40 dB at most, not to -18
    assert abs(dbfs(F.normalise_loudness(quiet)) - (dbfs(quiet) + F.MAX_GAIN_DB)) < 0.01
    silence = np.zeros(1600, np.float32)
    assert not F.normalise_loudness(silence).any()
    # the same music at two levels gives the same window (the recipe's reason for it)
    assert np.allclose(
        F.window_features(tone(440, 3.0, 0.9)), F.window_features(tone(440, 3.0, 0.1)), atol=1e-3
    )


def test_short_clips_repeat_to_a_window_and_long_ones_are_cut_every_hop():
    y = np.arange(5, dtype=np.float32)
    assert F.fit_length(y, 12).tolist() == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]
    assert F.fit_length(y, 3).tolist() == [0, 1, 2]
    assert F.fit_length(np.zeros(0, np.float32), 4).tolist() == [0, 0, 0, 0]
    clip = tone(440, 10.0)
    hop = F.WINDOW_FRAMES // 2
    wins = F.clip_windows(clip, hop)
    expected = 1 + (len(clip) - F.WINDOW_SAMPLES) // (hop * F.HOP)
    assert wins.shape == (expected, F.WINDOW_FRAMES, F.N_MELS)
    assert np.array_equal(
        wins[1], F.window_features(clip[hop * F.HOP : hop * F.HOP + F.WINDOW_SAMPLES])
    )
    assert F.clip_windows(tone(440, 1.0), hop).shape == (1, F.WINDOW_FRAMES, F.N_MELS)
