"""Face figures: `python benchmarks/faces.py [--gallery 1000000] [--queries 200] [--runs 3]`.

Pinned to one CPU core (faiss and dlib single-threaded), it prints:
- faces encoded per second given a box, and photos per second detected and encoded, on the
  shared test photos (shared/faces beside the repository);
- top-10 search over a gallery of synthetic 128-d encodings (identities of four photos
  each, spread like real dlib encodings): median ms per query for exact search and for the
  approximate index `FaceIndex` uses above its exact limit, and that index's recall@10
  against exact search;
- same- and different-person distances on the test photos and altered copies (calibration);
- the process's peak RSS.
Each figure is the median of --runs repetitions.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from PIL import Image, ImageOps

from threadline.faces import FaceIndex, FaceModel, decode_image, load_model, scan_image

PHOTOS = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"


def pin_to_one_core() -> None:
    """Run on one core, so every figure is per core."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    faiss.omp_set_num_threads(1)


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of several runs of work().

    CPU time is quoted beside wall time because the machine may be shared: on a busy machine
    wall time also counts the time other processes held the core.
    """
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def encoding_rates(model: FaceModel, runs: int) -> dict[str, float]:
    """Faces encoded per second given boxes, photos per second end to end (wall and CPU)."""
    photos = [
        decode_image(p.read_bytes()) for p in sorted(PHOTOS.glob("*/**/*.*")) if p.suffix != ".md"
    ]
    boxes = [model.detect(d.pixels) for d in photos]
    faces = sum(len(b) for b in boxes)
    pairs = list(zip(photos, boxes, strict=True))
    encode = timed(lambda: [model.encode(d.pixels, b) for d, b in pairs], runs)
    whole = timed(lambda: [model.encode(d.pixels, model.detect(d.pixels)) for d in photos], runs)
    return {
        "faces": faces,
        "photos": len(photos),
        "encode_wall": faces / encode[0],
        "encode_cpu": faces / encode[1],
        "photos_wall": len(photos) / whole[0],
        "photos_cpu": len(photos) / whole[1],
    }


# Who is in each probe, face by face (left to right); None: not in the gallery.
PROBE_PERSONS = {
    "obama3.jpg": ["obama"],
    "obama-240p.jpg": ["obama"],
    "obama_partial_face.jpg": ["obama"],
    "two_people.jpg": ["obama", "biden"],
    "lin-manuel-miranda.png": [None],
}


def labelled_faces(model: FaceModel) -> list[tuple[str | None, str, np.ndarray]]:
    """(person, label, encoding) for every gallery and probe face, and altered gallery copies."""
    faces = []
    for photo in sorted((PHOTOS / "gallery").glob("*/*")):
        data = photo.read_bytes()
        for name, variant in [("", data), *altered(data)]:
            scan = scan_image(model, variant)
            faces.append(
                (
                    photo.parent.name,
                    f"{photo.parent.name}/{photo.name}{name}",
                    scan.faces[0].encoding,
                )
            )
    for probe, persons in PROBE_PERSONS.items():
        scan = scan_image(model, (PHOTOS / "probes" / probe).read_bytes())
        for face, person in zip(scan.faces, persons, strict=True):
            faces.append((person, f"probes/{probe}#{face.number}", face.encoding))
    return faces


def altered(data: bytes) -> list[tuple[str, bytes]]:
    """Half-size, JPEG quality 30 and mirrored copies of a photo."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    copies = [
        (" half", image.resize((image.width // 2, image.height // 2)), "PNG", {}),
        (" q30", image, "JPEG", {"quality": 30}),
        (" mirror", ImageOps.mirror(image), "PNG", {}),
    ]
    out = []
    for name, picture, fmt, options in copies:
        buffer = io.BytesIO()
        picture.save(buffer, fmt, **options)
        out.append((name, buffer.getvalue()))
    return out


def calibration(model: FaceModel) -> None:
    """Print same- and different-person distance ranges and where the bands put them."""
    faces = labelled_faces(model)
    same, different = [], []
    for i, (person_a, label_a, a) in enumerate(faces):
        for person_b, label_b, b in faces[i + 1 :]:
            if label_a.split(" ")[0] == label_b.split(" ")[0]:
                continue  # a photo and its own altered copy: not an independent pair
            distance = float(np.linalg.norm(a - b))
            known = person_a is not None and person_a == person_b
            (same if known else different).append(distance)
    print(f"calibration on {len(faces)} faces (test photos and altered gallery copies):")
    print(f"  same person: {len(same)} pairs, {min(same):.3f} to {max(same):.3f}")
    print(
        f"  different people: {len(different)} pairs, {min(different):.3f} to {max(different):.3f}"
    )
    for low, high, band in ((0.0, 0.45, "strong"), (0.45, 0.55, "moderate"), (0.55, 0.6, "weak")):
        s = sum(low < d <= high or (low == 0 and d == 0) for d in same)
        d = sum(low < x <= high for x in different)
        print(f"  band {band} ({low}-{high}]: {s} same-person, {d} different-person pairs")
    print(f"  above threshold 0.6: {sum(d > 0.6 for d in same)} same-person pairs")


def synthetic(n: int, seed: int) -> np.ndarray:
    """N encodings: identities of four photos, centres 0.85 and photos 0.4 apart on average."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 0.053, (n // 4, 128)).astype(np.float32)
    return np.repeat(centres, 4, axis=0) + rng.normal(0, 0.025, (n, 128)).astype(np.float32)


def per_query_ms(index: FaceIndex, queries: np.ndarray, runs: int) -> tuple[float, float]:
    """Median over runs of the mean wall and CPU ms of one single-query top-10 search."""

    def one_by_one() -> None:
        for query in queries:
            index.search(query.reshape(1, -1), 10)

    wall, cpu = timed(one_by_one, runs)
    return wall / len(queries) * 1000, cpu / len(queries) * 1000


@dataclass(frozen=True)
class SearchFigures:
    """Search at one gallery size: build time, (wall, CPU) ms per query, recall@10."""

    build_s: float
    exact_ms: tuple[float, float]
    approximate_ms: tuple[float, float]
    recall: float


def search_figures(size: int, queries: int, runs: int) -> SearchFigures:
    """Build time, ms per query (exact, approximate) and recall@10 at this gallery size."""
    vectors = synthetic(size, seed=0)
    ids = np.arange(size, dtype=np.int64)
    noise = np.random.default_rng(1).normal(0, 0.025, (queries, 128)).astype(np.float32)
    probes = vectors[:: max(1, size // queries)][:queries] + noise
    exact = FaceIndex(vectors, ids, exact_limit=size)
    started = time.perf_counter()
    approximate = FaceIndex(vectors, ids, exact_limit=0)
    build = time.perf_counter() - started
    truth = exact.search(probes, 10)
    found = approximate.search(probes, 10)
    recall = np.mean(
        [len({h.id for h in t} & {h.id for h in f}) / 10 for t, f in zip(truth, found, strict=True)]
    )
    return SearchFigures(
        build,
        per_query_ms(exact, probes, runs),
        per_query_ms(approximate, probes, runs),
        float(recall),
    )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gallery", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-calibration", action="store_true")
    args = parser.parse_args()
    pin_to_one_core()
    model = load_model()
    rates = encoding_rates(model, args.runs)
    print(f"model {model.version}, one core, load average {os.getloadavg()[0]:.1f} at start")
    print(
        f"encode: {rates['encode_wall']:.1f} faces/s wall, {rates['encode_cpu']:.1f} per CPU "
        f"second, given a box ({rates['faces']:.0f} faces in the test photos)"
    )
    print(
        f"detect+encode: {rates['photos_wall']:.2f} photos/s wall, {rates['photos_cpu']:.2f} per "
        f"CPU second ({rates['photos']:.0f} photos, downscaled to at most 1600 px)"
    )
    if not args.skip_calibration:
        calibration(model)
    figures = search_figures(args.gallery, args.queries, args.runs)
    exact, approximate = figures.exact_ms, figures.approximate_ms
    print(f"search top-10 over {args.gallery:,} synthetic 128-d vectors, {args.queries} queries:")
    print(f"  exact (IndexFlatL2): {exact[0]:.1f} ms/query wall, {exact[1]:.1f} ms CPU")
    print(
        f"  approximate (8-bit scan + exact re-rank): {approximate[0]:.1f} ms/query wall, "
        f"{approximate[1]:.1f} ms CPU, recall@10 {figures.recall:.3f} vs exact, "
        f"built in {figures.build_s:.1f} s"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
