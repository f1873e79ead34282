"""Where the CLI writes: a file only when complete, and a device or pipe in place."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from threadline.cli._common import open_output


def test_a_file_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with open_output(str(target)) as stream:
        stream.write(b"{}\n")
        assert (target.exists(), (tmp_path / "out.jsonl.partial").exists()) == (False, True)
    assert target.read_bytes() == b"{}\n"


def test_a_pipe_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    with open_output(str(fifo)) as stream:
        stream.write(b'{"id": "a1"}\n')
    reader.join(timeout=10)
    assert received == [b'{"id": "a1"}\n']
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_dev_null_stays_a_device() -> None:
    with open_output(os.devnull) as stream:
        stream.write(b"discarded\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
