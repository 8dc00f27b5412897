from __future__ import annotations

from camtranslate.live.stabilizer import Observation, Stabilizer, polygon_iou

BOX = ((100.0, 100.0), (220.0, 100.0), (220.0, 140.0), (100.0, 140.0))
OTHER = ((400.0, 200.0), (480.0, 200.0), (480.0, 230.0), (400.0, 230.0))
TR = {
    "EXIT": ("SAÍDA", "en"),
    "EX1T": ("EX1T", "en"),
    "STOP": ("PARE", "en"),
    "OPEN": ("ABERTO", "en"),
}


def shift(poly, dx, dy=0.0):
    return tuple((x + dx, y + dy) for x, y in poly)


def run_pass(stab: Stabilizer, readings, now: float) -> None:
    stab.observe([Observation(p, t, c) for p, t, c in readings], now)
    pending = stab.pending_texts()
    stab.apply_translations({t: TR[t] for t in pending if t in TR}, now)


def shown(stab: Stabilizer, now: float) -> list[str]:
    return [r.translation for r in stab.visible(now)]


def test_iou():
    assert polygon_iou(BOX, BOX) == 1.0
    assert polygon_iou(BOX, OTHER) == 0.0
    assert 0.5 < polygon_iou(BOX, shift(BOX, 20)) < 0.8


def test_noisy_readings_keep_the_majority_translation():
    stab = Stabilizer()
    history = []
    for i, text in enumerate(["EXIT", "EXIT", "EX1T", "EXIT", "EX1T", "EXIT"]):
        jitter = shift(BOX, (-1) ** i * 2.0, 1.0)  # OCR boxes wobble by a few px
        run_pass(stab, [(jitter, text, 0.9)], now=float(i))
        history.append(shown(stab, now=float(i) + 0.5))
    assert all(h == ["SAÍDA"] for h in history)
    assert stab.changes == 0
    assert len(stab) == 1  # the jittering box stayed one region


def test_a_confidently_different_reading_replaces_after_enough_votes():
    stab = Stabilizer()
    for i in range(3):
        run_pass(stab, [(BOX, "EXIT", 0.9)], now=float(i))
    shown_after = []
    for i in range(3, 9):
        run_pass(stab, [(BOX, "STOP", 0.95)], now=float(i))
        shown_after.append(shown(stab, float(i) + 0.5)[0])
    assert shown_after[0] == "SAÍDA"  # one reading is not enough
    assert shown_after[-1] == "PARE"  # a steady new reading wins
    switch = shown_after.index("PARE")
    assert 1 <= switch <= 4
    assert all(s == "PARE" for s in shown_after[switch:])  # and it does not flip back
    assert stab.changes == 1


def test_first_reading_shows_at_once_and_fades_in():
    stab = Stabilizer(fade_in_s=0.4)
    run_pass(stab, [(BOX, "OPEN", 0.8)], now=10.0)
    (r,) = stab.visible(10.0)
    assert r.translation == "ABERTO" and r.alpha < 0.2
    (r,) = stab.visible(10.2)
    assert 0.4 < r.alpha < 0.6
    (r,) = stab.visible(11.0)
    assert r.alpha == 1.0


def test_unseen_regions_fade_out_and_disappear():
    stab = Stabilizer(max_misses=3, fade_out_s=0.5, fade_in_s=0.0)
    run_pass(stab, [(BOX, "EXIT", 0.9), (OTHER, "STOP", 0.9)], now=0.0)
    assert sorted(shown(stab, 0.1)) == ["PARE", "SAÍDA"]
    for i in range(1, 4):  # EXIT is no longer read (someone walked in front of it)
        run_pass(stab, [(OTHER, "STOP", 0.9)], now=float(i))
    regions = {r.translation: r for r in stab.visible(3.25)}
    assert regions["PARE"].alpha == 1.0
    assert 0.3 < regions["SAÍDA"].alpha < 0.7  # fading
    assert shown(stab, 3.6) == ["PARE"]
    assert len(stab) == 1


def test_two_misses_do_not_drop_a_region():
    stab = Stabilizer(max_misses=3, fade_in_s=0.0)
    run_pass(stab, [(BOX, "EXIT", 0.9)], now=0.0)
    run_pass(stab, [], now=1.0)
    run_pass(stab, [], now=2.0)
    run_pass(stab, [(BOX, "EXIT", 0.9)], now=3.0)
    run_pass(stab, [], now=4.0)
    assert shown(stab, 10.0) == ["SAÍDA"]


def test_regions_outside_the_ocr_frame_are_not_missed():
    stab = Stabilizer(max_misses=1, fade_in_s=0.0)
    run_pass(stab, [(BOX, "EXIT", 0.9)], now=0.0)
    stab.observe([], 1.0, in_view=lambda poly: False)  # OCR'd a frame that did not show it
    assert shown(stab, 5.0) == ["SAÍDA"]
    stab.retire_where(lambda poly: True, now=5.0)  # it left the view for good
    assert stab.visible(5.1)[0].alpha < 1.0
    assert shown(stab, 6.0) == []


def test_translation_must_arrive_before_a_region_shows():
    stab = Stabilizer()
    stab.observe([Observation(BOX, "EXIT", 0.9)], 0.0)
    assert stab.pending_texts() == ["EXIT"]
    assert stab.visible(0.5) == []
    stab.apply_translations({"EXIT": ("SAÍDA", "en")}, 0.6)
    assert shown(stab, 2.0) == ["SAÍDA"]
    assert stab.pending_texts() == []


def test_many_noisy_variants_do_not_outvote_a_consistent_reading():
    stab = Stabilizer()
    tr = {t: (f"<{t}>", "en") for t in ["Accessorize", "Aycessorize", "Apcessorize", "tcessorize"]}
    readings = ["Accessorize", "Aycessorize", "Apcessorize", "Aycessorize", "tcessorize"] * 3
    for i, text in enumerate(readings):
        stab.observe([Observation(BOX, text, 0.8)], float(i))
        stab.apply_translations({t: tr[t] for t in stab.pending_texts()}, float(i))
    assert shown(stab, 100.0) == ["<Accessorize>"]
    assert stab.changes == 0


def test_a_consistent_correction_of_a_bad_first_reading_wins():
    stab = Stabilizer()
    tr = {"tgcessorize": ("T", "en"), "Accessorize": ("A", "en")}
    stab.observe([Observation(BOX, "tgcessorize", 0.6)], 0.0)
    stab.apply_translations({t: tr[t] for t in stab.pending_texts()}, 0.0)
    for i in range(1, 8):
        stab.observe([Observation(BOX, "Accessorize", 0.9)], float(i))
        stab.apply_translations({t: tr[t] for t in stab.pending_texts()}, float(i))
    assert shown(stab, 100.0) == ["A"]
    assert stab.changes == 1


def test_doubt_after_a_tracking_loss_drops_unconfirmed_regions_on_the_next_pass():
    stab = Stabilizer(max_misses=3, fade_in_s=0.0, fade_out_s=0.1)
    run_pass(stab, [(BOX, "EXIT", 0.9), (OTHER, "STOP", 0.9)], now=0.0)
    stab.doubt()
    assert sorted(shown(stab, 0.5)) == ["PARE", "SAÍDA"]  # still shown until OCR says otherwise
    run_pass(stab, [(OTHER, "STOP", 0.9)], now=1.0)
    assert shown(stab, 2.0) == ["PARE"]


def carried(stab: Stabilizer, text: str, now: float, fresh=False, changed=False) -> None:
    stab.observe([Observation(BOX, text, 0.9, fresh=fresh, changed=changed)], now)
    stab.apply_translations({t: TR[t] for t in stab.pending_texts() if t in TR}, now)


def test_a_carried_over_reading_is_no_new_vote():
    # incremental OCR: one reading of unchanged pixels reported every pass must not outvote
    # the reading on screen (it made a settled still sign change its translation)
    stab = Stabilizer()
    for i in range(3):
        carried(stab, "EXIT", i * 0.1, fresh=True)
    carried(stab, "STOP", 0.5, fresh=True)  # a re-read for age, not for changed pixels
    for i in range(30):  # counted once (it held still), not 30 times
        carried(stab, "STOP", 0.6 + i * 0.05)
    assert shown(stab, 5.0) == ["SAÍDA"]
    assert stab.changes == 0


def test_new_text_from_changed_pixels_wins_once_it_holds_still():
    stab = Stabilizer()
    for i in range(4):  # a well-established reading
        carried(stab, "EXIT", i * 0.1, fresh=True)
    carried(stab, "OPEN", 1.0, fresh=True, changed=True)  # the sign's words changed
    carried(stab, "OPEN", 1.0 + stab.hold_s / 2)
    assert shown(stab, 1.3) == ["SAÍDA"]  # a glimpse is not enough
    carried(stab, "OPEN", 1.0 + stab.hold_s + 0.01)
    assert shown(stab, 2.0) == ["ABERTO"]
    assert stab.changes == 1


def test_a_near_miss_from_changed_pixels_does_not_win_outright():
    stab = Stabilizer()
    carried(stab, "EXIT", 0.0, fresh=True)
    carried(stab, "EXIT", 0.1, fresh=True)
    carried(stab, "EX1T", 1.0, fresh=True, changed=True)  # a hand passed; re-read, misread
    carried(stab, "EX1T", 1.0 + stab.hold_s + 0.01)
    assert shown(stab, 2.0) == ["SAÍDA"]


def test_readings_next_to_something_moving_do_not_vote():
    # a hand moving over a line: the glimpses it leaves ("EX", "XIT") are cut by the hand
    stab = Stabilizer()
    carried(stab, "EXIT", 0.0, fresh=True)
    for i in range(20):
        stab.observe([Observation(BOX, "STOP", 0.9, changed=True, settled=False)], 0.1 + i * 0.1)
        stab.apply_translations({t: TR[t] for t in stab.pending_texts() if t in TR}, 0.1 + i * 0.1)
    assert shown(stab, 3.0) == ["SAÍDA"] and stab.changes == 0
    # a new region seen only next to the moving hand is not shown...
    for i in range(5):
        stab.observe([Observation(OTHER, "OPEN", 0.9, settled=False)], 3.0 + i * 0.1)
    assert "ABERTO" not in shown(stab, 3.5)
    # ...until the hand has gone and the reading held still
    stab.observe([Observation(OTHER, "OPEN", 0.9, fresh=False)], 3.6)
    stab.observe([Observation(OTHER, "OPEN", 0.9, fresh=False)], 3.6 + stab.hold_s)
    stab.apply_translations({t: TR[t] for t in stab.pending_texts() if t in TR}, 4.2)
    assert "ABERTO" in shown(stab, 5.0)


def test_the_reason_a_text_was_left_as_read_is_shown_with_it() -> None:
    stab = Stabilizer(fade_in_s=0.0)
    stab.observe([Observation(BOX, "出口", 0.9)], 0.0)
    stab.apply_translations({"出口": ("出口", "zh", "zh: no model for zh→pt")}, 0.1)
    (region,) = stab.visible(0.2)
    assert region.translation == "出口" and region.untranslated_reason.startswith("zh: no model")
    stab.retranslate({"出口": ("Saída", "zh")})  # a model was installed: translated now
    (region,) = stab.visible(0.3)
    assert region.translation == "Saída" and region.untranslated_reason == ""
