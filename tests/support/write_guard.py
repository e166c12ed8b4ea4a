"""Record every file a Python call opens for writing while a guard is active.

sys.addaudithook() cannot be undone, so the hook is installed once per
process and does nothing unless a `watch_file_writes()` block is running.
The hook receives only the file opens that Python code makes. SQLite
writes its database, WAL and journal files from C, without the `open`
audit event, so database writes pass unseen (the secret scan checks those
files instead).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
WRITE_MODE_CHARACTERS = set("wax+")

# Audit events that create or change a file without an `open` event of
# their own on every platform.
WRITE_EVENTS = {
    "tempfile.mkstemp",
    "tempfile.mkdtemp",
    "os.truncate",
    "os.rename",
    "os.mkdir",
    "shutil.copyfile",
    "shutil.move",
}

_hook_installed = False
_is_watching = False
_writes: list[str] = []


def _is_write_open(mode, flags) -> bool:
    if isinstance(mode, str) and WRITE_MODE_CHARACTERS & set(mode):
        return True
    return isinstance(flags, int) and bool(flags & WRITE_FLAGS)


def _audit_hook(event: str, args: tuple) -> None:
    if not _is_watching:
        return
    if event == "open" and len(args) == 3:
        path, mode, flags = args
        if _is_write_open(mode, flags):
            _writes.append(f"open({path!r}, mode={mode!r}, flags={flags!r})")
    elif event in WRITE_EVENTS:
        _writes.append(f"{event}{args!r}")


def install_hook() -> None:
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit_hook)
        _hook_installed = True


@contextmanager
def watch_file_writes() -> Iterator[list[str]]:
    """Yield a list that collects a description of each write made inside the block."""
    global _is_watching
    install_hook()
    _writes.clear()
    collected: list[str] = []
    # A module imported for the first time inside the block would otherwise
    # write its bytecode cache, which is not the app writing data.
    saved_dont_write_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    _is_watching = True
    try:
        yield collected
    finally:
        _is_watching = False
        sys.dont_write_bytecode = saved_dont_write_bytecode
        collected.extend(_writes)
        _writes.clear()
