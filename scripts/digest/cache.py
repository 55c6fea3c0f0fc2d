"""Cache entries (chart SVGs, compiled catalogs, downloads): written atomically, verified before use.

A cache is an input like any other: a build killed mid-write, a full disk or a
hand-edited file must never be published, nor crash every later build. So each
entry is

- written to a temporary file beside it and renamed into place, so a reader sees
  the whole old file or the whole new one, never a prefix;
- recorded with the sha256 of its bytes in a sidecar ``<name>.sha256``, written after
  the entry; on read the bytes are hashed again, and an optional ``parse`` check
  runs (an SVG must parse as XML, a catalog must load).

A missing sidecar, a mismatch or a failed parse means there is no entry: the file
is deleted and the caller rebuilds it. Nothing here raises on a bad entry.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def write_entry(path: Path, data: bytes) -> None:
    """Store a cache entry and, after it, the hash that vouches for it."""
    write_atomic(path, data)
    write_atomic(_sidecar(path), hashlib.sha256(data).hexdigest().encode("ascii"))


def read_entry(path: Path, parse: Callable[[bytes], object] | None = None) -> bytes | None:
    """The entry's bytes if they match their recorded hash (and ``parse`` accepts them), else None.

    A bad entry is removed, so the caller's rebuild replaces it.
    """
    try:
        data = path.read_bytes()
        recorded = _sidecar(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        discard(path)
        return None
    try:
        if hashlib.sha256(data).hexdigest() != recorded:
            raise ValueError("hash mismatch")
        if parse is not None:
            parse(data)
    except Exception:  # noqa: BLE001 - any failure to verify or parse means: no usable entry
        discard(path)
        return None
    return data


def discard(path: Path) -> None:
    for stale in (path, _sidecar(path)):
        try:
            stale.unlink()
        except FileNotFoundError:
            pass


def parse_svg(data: bytes) -> None:
    """Raise unless ``data`` is a whole SVG document (a truncated one does not parse)."""
    root = ElementTree.fromstring(data)
    if not str(root.tag).endswith("svg"):
        raise ValueError("not an SVG document")
