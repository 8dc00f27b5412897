"""A smaller ICU data library for the bundled Qt (issue 10: 30.5 MiB -> about 8 MiB).

PySide6's wheel ships ICU 73 for QtCore; `libicudata.so.73` is nothing but one exported array,
`icudt73_dat`, holding ICU's whole data package (every locale's display names, units, currencies,
time-zone names, transliterators, spell-out rules, 230 legacy character-set converters, word-break
dictionaries ...). Qt uses a small part of it: collation (QCollator, which QFileDialog's file
list sorts with), normalisation and IDNA (`*.nrm`), break rules, properties. This module takes
the array out of the wheel's library, removes the parts Qt never reads with ICU's own `icupkg`
(Debian: icu-devtools; it works on the package format, which does not change between ICU
versions), and links the rest into a new `libicudata.so.73` with the same soname and symbol.

Kept: collation for every locale (`coll/`), the root-level locale bundles, normalisation,
break-iterator rules and dictionaries (brkitr/root.res needs them), time-zone rules,
properties, `cnvalias.icu`. Removed (`REMOVE_*` below): display names (lang/, region/, curr/,
unit/, zone/), transliteration, spell-out (rbnf/), the legacy converters `*.cnv` (Qt converts
UTF-8/16/32 and Latin-1 itself), character names, confusables, StringPrep profiles (`*.spp`,
IDNA2003).

    python packaging/icu_trim.py SRC_LIB OUT_DIR   # prints the trimmed library's path
    python packaging/icu_trim.py --check LIB_DIR   # Qt + the library: collation, case, IDNA

The spec calls `trimmed(src, workdir)`; if icupkg or a C compiler is missing it returns None
and the full library is bundled (the build says so).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

REMOVE_DIRS = ("lang/", "region/", "curr/", "unit/", "zone/", "translit/", "rbnf/")
REMOVE_SUFFIXES = (".cnv", ".spp", ".cfu")
REMOVE_NAMES = ("unames.icu",)


def _run(cmd: list[str], **kw) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def _data_symbol(lib: Path) -> tuple[str, int, int]:
    """(symbol, file offset, size) of the library's icudtNN_dat array."""
    syms = _run(["readelf", "--dyn-syms", "-W", str(lib)])
    m = re.search(
        r"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+(icudt\d+_dat)", syms
    )
    if not m:
        raise ValueError(f"{lib}: no icudtNN_dat symbol")
    value, size, ndx, name = int(m.group(1), 16), int(m.group(2), 0), int(m.group(3)), m.group(4)
    sections = _run(["readelf", "-SW", str(lib)])
    sm = re.search(rf"\[\s*{ndx}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
    if not sm:
        raise ValueError(f"{lib}: section {ndx} not found")
    addr, off = int(sm.group(1), 16), int(sm.group(2), 16)
    return name, value - addr + off, size


def removable(item: str) -> bool:
    """Whether an item of the ICU package (`icupkg -l` name) is one Qt never reads."""
    return item.startswith(REMOVE_DIRS) or item.endswith(REMOVE_SUFFIXES) or item in REMOVE_NAMES


def trimmed(src: Path, workdir: Path) -> Path | None:
    """The trimmed copy of libicudataNN.so (cached under workdir), or None without the tools."""
    src, workdir = Path(src).resolve(), Path(workdir).resolve()
    icupkg, cc = shutil.which("icupkg"), shutil.which("gcc") or shutil.which("cc")
    if not icupkg or not cc:
        missing = "icupkg (apt-get install icu-devtools)" if not icupkg else "C compiler"
        print(f"icu_trim: no {missing}: the full ICU data is bundled", file=sys.stderr)
        return None
    key = hashlib.sha256(src.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:12]
    out_dir = Path(workdir) / f"icu-{key}"
    out = out_dir / src.name
    if out.is_file():
        return out
    tmp = Path(workdir) / f"icu-{key}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    name, off, size = _data_symbol(src)
    data = src.read_bytes()[off : off + size]
    pkg = f"{name[: -len('_dat')]}l.dat"  # icudt73l.dat: icupkg takes the package name from it
    (tmp / "in").mkdir()
    (tmp / "out").mkdir()
    full = tmp / "in" / pkg
    full.write_bytes(data)
    items = _run([icupkg, "-l", str(full)]).split()
    drop = [i for i in items if removable(i)]
    (tmp / "remove.txt").write_text("".join(f"{i}\n" for i in drop), encoding="utf-8")
    small = tmp / "out" / pkg
    _run([icupkg, "-r", str(tmp / "remove.txt"), str(full), str(small)])
    asm = tmp / "icudata.S"
    asm.write_text(
        "\t.section .rodata\n"
        f"\t.globl {name}\n\t.type {name}, @object\n\t.balign 16\n{name}:\n"
        f'\t.incbin "out/{pkg}"\n\t.size {name}, .-{name}\n'
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="utf-8",
    )
    soname = src.name
    _run(
        [
            cc,
            "-shared",
            "-nostdlib",
            "-Wl,-s",
            "-Wl,--build-id=sha1",
            f"-Wl,-soname,{soname}",
            "-o",
            soname,
            asm.name,
        ],
        cwd=tmp,
    )
    new_name, _, new_size = _data_symbol(tmp / soname)
    if new_name != name or new_size != small.stat().st_size:
        raise RuntimeError(f"icu_trim: built {tmp / soname} does not export {name} correctly")
    (tmp / "report.txt").write_text(
        f"{src} ({len(items)} items, {size} bytes) -> {len(items) - len(drop)} items, "
        f"{new_size} bytes; removed {len(drop)} items\n",
        encoding="utf-8",
    )
    full.unlink()
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return out


CHECK = r"""
from PySide6.QtCore import QCollator, QLocale, QUrl
c = QCollator(QLocale("de_DE"))
assert c.compare("a", "b") < 0 and c.compare("ä", "b") < 0, "collation"
c.setNumericMode(True)
names = sorted(["file10", "file9", "File1"], key=c.sortKey)
assert names == ["File1", "file9", "file10"], names
s = QCollator(QLocale("sv_SE"))
assert s.compare("ö", "z") > 0, "Swedish tailoring"
assert QLocale("tr_TR").toUpper("i") == "İ", "Turkish case"
assert QUrl.toAce("bücher.example") == b"xn--bcher-kva.example", "IDNA"
assert QCollator(QLocale("pt_BR")).compare("é", "f") < 0, "Portuguese"
maps = open("/proc/self/maps").read().split()
print("icu check ok with", sorted({m for m in maps if "libicudata" in m}))
"""


def check(lib_dir: Path, python: str = sys.executable) -> None:
    """Run Qt's ICU users against the library in lib_dir (LD_LIBRARY_PATH beats Qt's RUNPATH)."""
    if not any(Path(lib_dir).glob("libicudata.so.*")):
        raise SystemExit(f"no libicudata.so.* in {lib_dir}")
    env = {"LD_LIBRARY_PATH": str(lib_dir), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([python, "-c", CHECK], env=env, capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    if proc.returncode:
        raise SystemExit(proc.returncode)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(Path(sys.argv[2]))
    elif len(sys.argv) == 3:
        print(trimmed(Path(sys.argv[1]), Path(sys.argv[2])))
    else:
        sys.exit(__doc__)
