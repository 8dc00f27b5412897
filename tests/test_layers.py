"""The layers of docs/ARCHITECTURE.md hold: the import-linter contracts in pyproject.toml are kept,
and the moves that made them hold behave (the text path does not load the drawing code, the
distill entry point does not load the top-level CLI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return set(out.split())


def test_import_contracts_are_kept() -> None:
    pytest.importorskip("importlinter")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_grouping_lines_into_blocks_does_not_load_the_overlay() -> None:
    loaded = _modules_after("import camtranslate.blocks")
    assert "camtranslate.geometry" in loaded
    assert not {m for m in loaded if m.startswith("camtranslate.overlay")}


def test_overlay_and_blocks_share_one_paragraph_rule() -> None:
    from camtranslate import blocks, geometry
    from camtranslate.overlay import layout

    assert layout.paragraph_groups is geometry.paragraph_groups
    assert layout.region_quad is geometry.region_quad
    assert blocks.paragraph_groups is geometry.paragraph_groups


def test_distill_entry_point_does_not_import_the_cli() -> None:
    loaded = _modules_after(
        "import contextlib, io\n"
        "from camtranslate.distill.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert "camtranslate.distill.cli" in loaded
    assert "camtranslate.cli" not in loaded


def test_bench_live_does_not_import_the_cli() -> None:
    loaded = _modules_after("import camtranslate.bench.live")
    assert "camtranslate.cli" not in loaded


def test_benchmarks_use_the_installed_package_not_sys_path_hacks() -> None:
    hacks = [
        p.name for p in sorted((REPO / "benchmarks").glob("*.py")) if "sys.path" in p.read_text()
    ]
    assert hacks == []


def test_harnesses_live_outside_the_product() -> None:
    from camtranslate.gui import app

    assert not hasattr(app, "measure_live")  # benchmarks/bench_gui_live.py
    assert not (REPO / "camtranslate" / "live" / "bench.py").exists()  # camtranslate/bench/
    assert not (REPO / "camtranslate" / "live" / "videos.py").exists()
    loaded = _modules_after("import camtranslate.live.session, camtranslate.pipeline")
    assert not {m for m in loaded if m.startswith("camtranslate.bench")}
