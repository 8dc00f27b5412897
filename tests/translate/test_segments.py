"""Splitting OCR text into translatable pieces and pieces copied through (translate/segments.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from camtranslate.translate.segments import Piece, split


def kinds(text: str) -> list[tuple[str, bool]]:
    return [(p.text, p.translate) for p in split(text)]


@given(st.text(max_size=60))
def test_pieces_join_back_to_the_text(text: str) -> None:
    assert "".join(p.text for p in split(text)) == text


def test_plain_text_is_one_piece_as_it_was() -> None:
    for text in ["EMERGENCY EXIT", " Exit ", "5 Ω resistor", "U.S. Army", "e.g. this", "出口"]:
        assert split(text) == [Piece(text, True)]


def test_addresses_and_handles_are_copied_through() -> None:
    for text in ["www.zara.com", "info@shop.com", "https://x.com", "@starbucks", "loja.com.br"]:
        assert kinds(text) == [(text, False)]
    assert kinds("instagram.com/mango") == [("instagram.com/mango", False)]


def test_sentence_punctuation_after_an_address_is_not_part_of_it() -> None:
    assert kinds("Visit www.shop.com.") == [
        ("Visit", True),
        (" ", False),
        ("www.shop.com", False),
        (".", True),
    ]
    assert ("@zara", False) in kinds("Follow us @zara!")


def test_glued_hashtags_are_names_but_hashtag_phrases_are_translated() -> None:
    assert kinds("#GVSuntecCty #GoldClassSuntecCity") == [
        ("#GVSuntecCty", False),
        (" ", False),
        ("#GoldClassSuntecCity", False),
    ]
    assert kinds("#Summer2024 deals")[0] == ("#Summer2024", False)
    for text in ["#BLACK LIVES MATTER", "#SALE"]:
        assert split(text) == [Piece(text, True)]


def test_a_line_in_two_scripts_is_cut_where_the_script_changes() -> None:
    assert kinds("出口 EXIT") == [("出口", True), (" ", False), ("EXIT", True)]
    assert kinds("ENTRADA 入口") == [("ENTRADA", True), (" ", False), ("入口", True)]
    station = [("東京駅", True), (" ", False), ("Tokyo Station", True)]
    assert kinds("東京駅 Tokyo Station") == station


def test_a_stray_letter_of_another_script_does_not_cut_the_line() -> None:
    assert kinds("24h 出口") == [("24h 出口", True)]
    assert kinds("Café 5 µm") == [("Café 5 µm", True)]
