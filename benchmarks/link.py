"""Linking speed: ads/s from 100k ads up, peak RSS, and single-ad placement latency.

Evidence comes from a small generator (not the synthetic corpus writer, which is slower than
linking) shaped like the corpus: long-tailed networks with their own phones, one or two text
templates of ~90 words with name/city/phone/price slots and a few words changed per ad, the
sites' own numbers printed in 30% of ads, and reposted images with a few bits flipped.

    .venv/bin/python benchmarks/link.py 100000 300000 --runs 3
    .venv/bin/python benchmarks/link.py --one 1000000      # one size in this process

Each size runs in a fresh process, so peak RSS is that size's alone. Wall and CPU seconds are
both reported: on a shared machine the CPU figure is the steadier one.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from threadline.link import LinkState, link_ads, place_ad
from threadline.model import AdEvidence

CITIES = [f"City{chr(65 + i)}{chr(65 + j)}" for i in range(10) for j in range(10)]
SITES = [f"+1800555010{i}" for i in range(5)]
NAMES = ["Ana", "Bea", "Cleo", "Dana", "Eva", "Fay", "Gia", "Hana", "Ivy", "Jade"]
T0 = datetime(2026, 1, 5, tzinfo=UTC)


class Generator:
    """Ads of made-up networks, deterministic for a seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        letters = "abcdefghijklmnopqrstuvwxyz"
        self.words = [
            "".join(self.rng.choices(letters, k=self.rng.randint(3, 9))) for _ in range(20000)
        ]
        self.network = 0

    def _template(self) -> list[str]:
        words = self.rng.choices(self.words, k=90)
        for slot, at in (("{name}", 3), ("{city}", 12), ("{phone}", 40), ("{price}", 60)):
            words[at] = slot
        return words

    def _image(self) -> list[str]:
        """An origin's three files (as posted, and two reposts a few bits apart)."""
        origin = "".join(self.rng.choices("0123456789abcdef", k=576))
        return [origin, _flip(origin, self.rng), _flip(origin, self.rng)]

    def networks(self, n: int) -> list[AdEvidence]:
        ads: list[AdEvidence] = []
        while len(ads) < n:
            ads += self._network(min(n - len(ads), int(self.rng.paretovariate(1.3))))
        self.rng.shuffle(ads)
        return ads

    def _network(self, size: int) -> list[AdEvidence]:
        rng, self.network = self.rng, self.network + 1
        phones = [
            f"+1{rng.randint(200, 999)}{rng.randint(0, 9999999):07d}"
            for _ in range(rng.randint(1, 3))
        ]
        templates = [self._template() for _ in range(rng.randint(1, 2))]
        images = [self._image() for _ in range(rng.choice((0, 1, 2)))]
        name, home = rng.choice(NAMES), rng.choice(CITIES)
        return [
            self._ad(f"{self.network}-{i}", phones, templates, images, name, home)
            for i in range(size)
        ]

    def _ad(
        self,
        ad_id: str,
        phones: list[str],
        templates: list[list[str]],
        images: list[list[str]],
        name: str,
        home: str,
    ) -> AdEvidence:
        rng = self.rng
        phone, city = rng.choice(phones), home if rng.random() < 0.7 else rng.choice(CITIES)
        words = list(rng.choice(templates))
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(self.words)
        fill = {
            "{name}": name,
            "{city}": city,
            "{phone}": f"{phone[2:5]}-{phone[5:8]}-{phone[8:]}",
            "{price}": f"${rng.randint(10, 40)}0",
        }
        identifiers = [("phone", phone)] + (
            [("phone", rng.choice(SITES))] if rng.random() < 0.3 else []
        )
        hashes = tuple(rng.choice(files) for files in images if rng.random() < 0.6)
        return AdEvidence(
            ad_id=ad_id,
            text=" ".join(fill.get(w, w) for w in words),
            identifiers=tuple(identifiers),
            image_hashes=hashes,
            names=(name,),
            city=city,
            posted_at=T0 + timedelta(hours=rng.randint(0, 24 * 84)),
            risk_score=rng.random() * 10,
        )


def _flip(image: str, rng: random.Random) -> str:
    """The image reposted: a couple of hex digits of its whole-image hash changed."""
    chars = list(image)
    for _ in range(rng.randint(1, 2)):
        chars[rng.randrange(64)] = rng.choice("0123456789abcdef")
    return "".join(chars)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(n: int, placements: int) -> dict[str, float]:
    """Link n ads in this process; then place `placements` new ads one by one."""
    generator = Generator(seed=n)
    evidence = generator.networks(n + placements)
    ads, later = evidence[:n], evidence[n:]
    rss_input = _rss_mb()
    state = LinkState()
    start, cpu = time.perf_counter(), time.process_time()
    state.add(ads)
    linked = time.perf_counter() - start
    linked_cpu = time.process_time() - cpu
    result = link_ads([], state, max_templates=0)
    total = time.perf_counter() - start
    latencies, cpu = [], []
    for item in later:
        begin, begin_cpu = time.perf_counter(), time.thread_time()
        place_ad(item, state)
        cpu.append((time.thread_time() - begin_cpu) * 1000)
        latencies.append((time.perf_counter() - begin) * 1000)
    latencies.sort()
    cpu.sort()
    return {
        "ads": n,
        "link_s": round(linked, 2),
        "ads_per_s": round(n / linked),
        "link_cpu_s": round(linked_cpu, 2),
        "ads_per_cpu_s": round(n / linked_cpu),
        "with_result_s": round(total, 2),
        "networks": len(result.networks),
        "set_aside": len(result.set_aside),
        "rss_input_mb": round(rss_input),
        "rss_peak_mb": round(_rss_mb()),
        "place_median_ms": round(statistics.median(latencies), 2),
        "place_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
        "place_cpu_median_ms": round(statistics.median(cpu), 2),
        "place_cpu_p99_ms": round(cpu[int(len(cpu) * 0.99) - 1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 300_000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--placements", type=int, default=1000)
    parser.add_argument("--one", type=int, help="run one size in this process and print JSON")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.placements)))
        return
    for size in args.sizes:
        runs = [
            json.loads(
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--one",
                        str(size),
                        "--placements",
                        str(args.placements),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(args.runs)
        ]
        median = sorted(runs, key=lambda r: r["link_s"])[len(runs) // 2]
        print(json.dumps({**median, "runs": len(runs), "link_s_all": [r["link_s"] for r in runs]}))


if __name__ == "__main__":
    main()
