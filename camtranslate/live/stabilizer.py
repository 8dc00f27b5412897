"""Temporal voting per tracked region: what stays on screen, and for how long.

Showing the last OCR reading makes the overlay churn ("EXIT" → "EX1T" → "EXIT" translates to
three different things in a second). Each tracked region instead keeps decaying votes per reading;
the shown reading changes only when another one is *confidently* ahead (a ratio and a minimum
weight), regions fade in when first shown and fade out when OCR stops seeing them or they leave
the view. Polygons live in world coordinates (see tracking.py), so OCR passes on frames the
camera has since moved away from still match the right region by IoU.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from camtranslate.types import Polygon


@dataclass(frozen=True)
class Observation:
    """One OCR reading, its polygon already in world coordinates."""

    polygon: Polygon
    text: str
    confidence: float = 1.0
    fresh: bool = True
    """False: the text was not read again, only carried over from an earlier reading of
    unchanged pixels (incremental OCR). It keeps the region alive but is no new vote: one
    reading repeated every pass must not outvote the readings before it."""
    changed: bool = False
    """A fresh reading taken because this region's own pixels changed (incremental OCR): the
    sign may say something else now."""
    settled: bool = True
    """False: something moves right around the region (a hand next to or over the text), so
    this reading may be cut by it: it keeps the region alive but neither votes nor counts as
    holding still."""


@dataclass(frozen=True)
class StableRegion:
    """What the view should draw for one region (polygon in world coordinates)."""

    id: int
    polygon: Polygon
    text: str
    translation: str
    source_lang: str
    alpha: float
    untranslated_reason: str = ""
    """Why the text is shown as it was read (no model for its language, unsure, ...)."""


def _parts(value: Sequence[str]) -> tuple[str, str, str]:
    """(translation, source language, untranslated reason) of one translation result; the
    reason is optional: (translation, language) pairs mean translated."""
    return value[0], value[1], value[2] if len(value) > 2 else ""


@dataclass
class _Track:
    id: int
    polygon: Polygon
    votes: dict[str, float] = field(default_factory=dict)
    readings: dict[str, str] = field(default_factory=dict)  # vote key -> text as read
    shown_key: str | None = None
    shown_text: str = ""
    shown_translation: str = ""
    source_lang: str = ""
    reason: str = ""
    shown_since: float | None = None
    misses: int = 0
    retired_at: float | None = None
    read_at: dict[str, float] = field(default_factory=dict)  # vote key -> first fresh reading
    held: set[str] = field(default_factory=set)  # keys that earned their hold-still vote
    changed_keys: set[str] = field(default_factory=set)  # keys read from changed pixels


def text_key(text: str) -> str:
    """Readings that differ only in spacing count as the same vote."""
    return " ".join(text.split())


def similar(a: str, b: str) -> float:
    """0..1 similarity of two readings, case-insensitive (difflib's ratio)."""
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio()


def polygon_iou(a: Polygon, b: Polygon) -> float:
    """IoU of two convex polygons (OCR quads): rotated text matches as well as level text."""
    pa = cv2.convexHull(np.asarray(a, np.float32))
    pb = cv2.convexHull(np.asarray(b, np.float32))
    area_a, area_b = cv2.contourArea(pa), cv2.contourArea(pb)
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter, _ = cv2.intersectConvexConvex(pa, pb)
    union = area_a + area_b - inter
    return float(inter / union) if union > 0 else 0.0


class Stabilizer:
    """Votes over OCR passes per tracked region, fades regions in and out."""

    def __init__(
        self,
        iou_threshold: float = 0.3,
        decay: float = 0.8,
        switch_ratio: float = 1.5,
        min_weight: float = 1.5,
        max_misses: int = 3,
        fade_in_s: float = 0.25,
        fade_out_s: float = 0.5,
        similar_ratio: float = 0.7,
        hold_s: float = 0.5,
    ) -> None:
        self.iou_threshold = iou_threshold
        self.decay = decay
        self.switch_ratio = switch_ratio
        self.min_weight = min_weight
        self.max_misses = max_misses
        self.fade_in_s = fade_in_s
        self.fade_out_s = fade_out_s
        self.similar_ratio = similar_ratio
        self.hold_s = hold_s
        """A reading carried over unchanged (not re-read) for this long earns one more vote:
        the pixels it came from held still, so it is not a passing glimpse. When it was read
        because the region's pixels changed and it is not a near-miss of what is shown, it
        wins outright: the sign now says something else (old votes were about old pixels)."""
        self._tracks: dict[int, _Track] = {}
        self._ids = itertools.count(1)
        self.changes = 0
        """How many times a shown translation was replaced by a different one."""

    def observe(
        self,
        observations: Sequence[Observation],
        now: float,
        in_view: Callable[[Polygon], bool] | None = None,
    ) -> None:
        """Fold one OCR pass in. ``in_view`` says whether a region was inside the OCR'd frame
        (only then does not seeing it count as a miss)."""
        live = [t for t in self._tracks.values() if t.retired_at is None]
        pairs = sorted(
            (
                (polygon_iou(t.polygon, o.polygon), ti, oi)
                for ti, t in enumerate(live)
                for oi, o in enumerate(observations)
            ),
            reverse=True,
        )
        used_t: set[int] = set()
        used_o: set[int] = set()
        for iou, ti, oi in pairs:
            if iou < self.iou_threshold:
                break
            if ti in used_t or oi in used_o:
                continue
            used_t.add(ti)
            used_o.add(oi)
            self._vote(live[ti], observations[oi], now)
        for ti, track in enumerate(live):
            if ti in used_t:
                continue
            if in_view is None or in_view(track.polygon):
                track.misses += 1
                if track.misses >= self.max_misses:
                    self._retire(track, now)
        for oi, obs in enumerate(observations):
            if oi not in used_o and text_key(obs.text):
                track = _Track(id=next(self._ids), polygon=obs.polygon)
                self._tracks[track.id] = track
                self._vote(track, obs, now)

    def _vote(self, track: _Track, obs: Observation, now: float = 0.0) -> None:
        key = text_key(obs.text)
        if not key:
            return
        held = False
        if not obs.settled:  # alive, a candidate, but no weight until it holds still
            track.misses = 0
            track.votes.setdefault(key, 0.0)
            track.readings.setdefault(key, obs.text)
            track.read_at[key] = now  # the hold-still clock starts (again)
            track.held.discard(key)
            if obs.fresh and obs.changed:
                track.changed_keys.add(key)
            return
        if not obs.fresh and key in track.votes:
            track.misses = 0  # seen again, unchanged: alive, but no new evidence...
            first = track.read_at.get(key)
            if key in track.held or first is None or now - first < self.hold_s:
                return
            track.held.add(key)  # ...except once, when it has held still for hold_s
            held = True
        elif obs.fresh:  # a new reading: its hold-still clock starts again
            track.read_at[key] = now
            track.held.discard(key)
            if obs.changed:
                track.changed_keys.add(key)
            else:
                track.changed_keys.discard(key)
        for k in track.votes:
            track.votes[k] *= self.decay
        weight = 0.5 + 0.5 * float(obs.confidence)
        track.votes[key] = track.votes.get(key, 0.0) + weight
        shown = track.shown_key
        if shown is not None and key != shown and similar(key, shown) >= self.similar_ratio:
            # a near-miss of what is shown ("EX1T" for "EXIT") also supports it: OCR noise
            # spread over many variants must not outvote a consistent reading
            track.votes[shown] = track.votes.get(shown, 0.0) + weight / 2
        if (
            held
            and key in track.changed_keys
            and shown is not None
            and key != shown
            and similar(key, shown) < self.similar_ratio
        ):
            lead = self.switch_ratio * track.votes.get(shown, 0.0) + 1e-3
            track.votes[key] = max(track.votes[key], lead, self.min_weight)
        track.readings[key] = obs.text
        track.misses = 0
        if track.shown_key is None or key == track.shown_key:
            # the reading we show: follow the sign's outline, smoothing OCR's box jitter
            old = np.asarray(track.polygon)
            new = np.asarray(obs.polygon)
            blend = new if track.shown_key is None else 0.4 * old + 0.6 * new
            track.polygon = tuple((float(x), float(y)) for x, y in blend)
        # forget readings whose weight has decayed to nothing
        track.votes = {k: v for k, v in track.votes.items() if v > 0.05 or k == track.shown_key}
        track.read_at = {k: v for k, v in track.read_at.items() if k in track.votes}
        track.held &= set(track.votes)
        track.changed_keys &= set(track.votes)

    def _candidate(self, track: _Track) -> str | None:
        """The reading that should be shown: the leader, if it is confidently ahead."""
        if not track.votes:
            return None
        leader = max(track.votes, key=track.votes.__getitem__)
        if track.shown_key is None and track.votes[leader] <= 0.0:
            return None  # only unsettled glimpses so far
        if track.shown_key is None and leader in track.changed_keys and leader not in track.held:
            return None  # text that motion just uncovered (a hand moving away): wait until it
            # holds still, or the first glimpse ("toce") is shown and then replaced
        if track.shown_key is None or leader == track.shown_key:
            return leader
        lead = track.votes[leader]
        shown = track.votes.get(track.shown_key, 0.0)
        if lead >= self.min_weight and lead >= self.switch_ratio * shown:
            return leader
        return track.shown_key

    def pending_texts(self) -> list[str]:
        """Readings that should be shown but have no translation on screen yet."""
        out: list[str] = []
        for track in self._tracks.values():
            if track.retired_at is not None:
                continue
            cand = self._candidate(track)
            if cand is not None and cand != track.shown_key:
                text = track.readings[cand]
                if text not in out:
                    out.append(text)
        return out

    def apply_translations(self, translations: Mapping[str, Sequence[str]], now: float) -> None:
        """Show the candidates whose translation arrived: text -> (translation, source_lang[,
        reason it was left untranslated])."""
        for track in self._tracks.values():
            if track.retired_at is not None:
                continue
            cand = self._candidate(track)
            if cand is None or cand == track.shown_key:
                continue
            text = track.readings[cand]
            if text not in translations:
                continue
            translation, lang, reason = _parts(translations[text])
            if track.shown_key is not None and translation != track.shown_translation:
                self.changes += 1
            if track.shown_key is None:
                track.shown_since = now
            track.shown_key, track.shown_text = cand, text
            track.shown_translation, track.source_lang, track.reason = translation, lang, reason

    def retranslate(self, translations: Mapping[str, Sequence[str]]) -> None:
        """Languages changed: swap the translations of what is shown, in place."""
        for track in self._tracks.values():
            if track.shown_key is not None and track.shown_text in translations:
                parts = _parts(translations[track.shown_text])
                track.shown_translation, track.source_lang, track.reason = parts

    def shown_texts(self) -> list[str]:
        return [t.shown_text for t in self._tracks.values() if t.shown_key is not None]

    def doubt(self) -> None:
        """Motion tracking lost the scene (a cut, a whip pan): keep showing the regions, but
        drop them on the next OCR pass that does not confirm them."""
        for track in self._tracks.values():
            if track.retired_at is None:
                track.misses = max(track.misses, self.max_misses - 1)

    def retire_where(self, predicate: Callable[[Polygon], bool], now: float) -> None:
        """Fade out live regions whose world polygon satisfies ``predicate`` (left the view)."""
        for track in list(self._tracks.values()):
            if track.retired_at is None and predicate(track.polygon):
                self._retire(track, now)

    def _retire(self, track: _Track, now: float) -> None:
        track.retired_at = now
        if track.shown_key is None:  # never shown: nothing to fade
            self._tracks.pop(track.id, None)

    def visible(self, now: float) -> list[StableRegion]:
        """Regions to draw now with their fade alpha; drops the ones that finished fading."""
        out: list[StableRegion] = []
        for track in list(self._tracks.values()):
            if track.shown_key is None:
                continue
            alpha = 1.0
            if self.fade_in_s > 0 and track.shown_since is not None:
                alpha = min(1.0, max(0.0, (now - track.shown_since) / self.fade_in_s))
            if track.retired_at is not None:
                left = 1.0 - (now - track.retired_at) / self.fade_out_s if self.fade_out_s else 0
                if left <= 0:
                    del self._tracks[track.id]
                    continue
                alpha = min(alpha, left)
            alpha = max(alpha, 0.05)  # drawn from the first frame on, however faint
            out.append(
                StableRegion(
                    track.id,
                    track.polygon,
                    track.shown_text,
                    track.shown_translation,
                    track.source_lang,
                    alpha,
                    track.reason,
                )
            )
        return out

    def clear(self) -> None:
        self._tracks.clear()

    def __len__(self) -> int:
        return len(self._tracks)
