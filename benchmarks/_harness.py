"""Shared by the benchmarks: run a command as a child and measure its wall time and peak RSS."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """One timed child process."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    cpu_seconds: float = 0.0  # user + system time of the child, steadier than wall on a busy box


def run_child(args: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run the command to completion; its own peak RSS comes from wait4, not the parent's."""
    started = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, child.returncode, cpu)


def median(values: Sequence[float]) -> float:
    """The median, for quoting several noisy runs."""
    return float(statistics.median(values))
