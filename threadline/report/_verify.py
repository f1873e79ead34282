"""Verify a Threadline evidence package: every file against manifest.json (SHA-256).

This file is copied into every package as verify.py and uses only the Python standard
library, so anyone can check a package without Threadline:

    python verify.py                 # the folder this script is in (an unzipped package)
    python verify.py PACKAGE.zip     # a package still zipped

It prints one line per changed, missing or added file and exits 1 when there is any,
else prints the number of files verified and exits 0.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path

MANIFEST = "manifest.json"


def check_files(files: dict[str, bytes]) -> list[str]:
    """Problems with a package given as {path: content}: changed, missing, added files."""
    if MANIFEST not in files:
        return [f"missing: {MANIFEST}"]
    try:
        listed = json.loads(files[MANIFEST].decode("utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        return [f"changed: {MANIFEST} is not a readable manifest"]
    problems = []
    for path, digest in sorted(listed.items()):
        if path not in files:
            problems.append(f"missing: {path}")
        elif hashlib.sha256(files[path]).hexdigest() != digest:
            problems.append(f"changed: {path}")
    extra = sorted(set(files) - set(listed) - {MANIFEST})
    problems += [f"added: {path}" for path in extra]
    return problems


def read_zip(path: Path) -> tuple[dict[str, bytes], list[str]]:
    """A zipped package's files, and duplicate names (a zip can hold a name twice)."""
    with zipfile.ZipFile(path) as archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        files = {name: archive.read(name) for name in names}
    duplicates = sorted({name for name in names if names.count(name) > 1})
    return files, [f"added: {name} (a second copy)" for name in duplicates]


def read_folder(root: Path) -> dict[str, bytes]:
    """An unzipped package's files, by path relative to its folder."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def verify(target: Path) -> list[str]:
    """Problems with a package: a zip file or an unzipped folder."""
    if target.is_dir():
        return check_files(read_folder(target))
    try:
        files, duplicates = read_zip(target)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"unreadable package: {exc}"]
    return duplicates + check_files(files)


def main(argv: list[str]) -> int:
    """Verify the package named on the command line, or the folder holding this script."""
    target = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    problems = verify(target)
    for problem in problems:
        print(problem)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) in {target}")
        return 1
    count = len(read_folder(target)) if target.is_dir() else len(read_zip(target)[0])
    print(f"ok: {count} files match manifest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
