"""Time the photo pipeline on a 12-megapixel phone-like JPEG: median and p95 per photo, peak memory.

Run from the project root:  .venv/bin/python benchmarks/photos.py [--runs 30]
Target (SPEC §8): all derivatives in at most 150 ms median on one core.
"""

import argparse
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from PIL import ExifTags, Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.services.photo_processing import process_photo  # noqa: E402

TARGET_MEDIAN_MS = 150


def phone_photo(width=4000, height=3000, seed=12):
    """JPEG bytes that compress like a phone photo (3-4 MB), with EXIF orientation 6 and GPS."""
    rnd = random.Random(seed)
    small = (width // 8, height // 8)
    # Soft light across the scene, a few objects, then texture at two scales and sensor noise.
    scene = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize(small),
            Image.radial_gradient("L").resize(small),
            Image.linear_gradient("L").rotate(90).resize(small),
        ],
    )
    draw = ImageDraw.Draw(scene)
    for _ in range(80):
        x, y, r = rnd.randrange(small[0]), rnd.randrange(small[1]), rnd.randrange(5, 60)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rnd.randrange(256) for _ in range(3)))
    scene = scene.resize((width, height), Image.Resampling.BICUBIC)
    texture = Image.merge(
        "RGB",
        [
            Image.effect_noise((width // 2, height // 2), 40).resize((width, height), Image.Resampling.BILINEAR)
            for _ in range(3)
        ],
    )
    grain = Image.effect_noise((width, height), 30).convert("RGB")
    photo = Image.blend(Image.blend(scene, texture, 0.3), grain, 0.08)

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.Base.Model] = "Galaxy A15"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (22.0, 9.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 22.0, 12.0)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _fresh_process_rss(data):
    """Peak RSS in MB of a new interpreter before and after processing `data` once."""
    with tempfile.NamedTemporaryFile(suffix=".jpg") as photo:
        photo.write(data)
        photo.flush()
        output = subprocess.run(
            [sys.executable, __file__, "--probe-memory", photo.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    baseline_kb, peak_kb = (int(value) for value in output.split())
    return baseline_kb / 1024, peak_kb / 1024


def _peak_rss_kb():
    # VmHWM starts afresh at exec; ru_maxrss of a child keeps its parent's high-water mark.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _probe_memory(path):
    data = Path(path).read_bytes()
    before = _peak_rss_kb()
    process_photo(data)
    print(before, _peak_rss_kb())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs after the warm-up (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    parser.add_argument("--probe-memory", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe_memory:
        _probe_memory(args.probe_memory)
        return 0

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        cores = "1 core (pinned)"
    else:
        cores = "not pinned (no sched_setaffinity here)"

    data = phone_photo()
    with Image.open(io.BytesIO(data)) as original:
        size = original.size
    print(f"input: {size[0]}x{size[1]} JPEG, {len(data) / 1e6:.2f} MB, EXIF orientation 6 + GPS; {cores}")

    for _ in range(args.warmup):
        result = process_photo(data)
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = process_photo(data)
        timings.append((time.perf_counter() - started) * 1000)

    # Memory of one photo, measured apart: tracemalloc sees only Python's allocators (Pillow's
    # pixel buffers are plain malloc), and this process's max RSS includes making the input.
    tracemalloc.start()
    process_photo(data)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    baseline_mb, peak_mb = _fresh_process_rss(data)

    median = statistics.median(timings)
    sizes = ", ".join(
        f"{name} {Image.open(io.BytesIO(jpeg)).size[0]}x{Image.open(io.BytesIO(jpeg)).size[1]} "
        f"{len(jpeg) / 1000:.0f} kB"
        for name, jpeg in result.derivatives.items()
    )
    print(f"derivatives: {sizes}; hints: {result.hints or 'none'}")
    print(
        f"runs: {args.runs}  median: {median:.1f} ms  p95: {percentile(timings, 0.95):.1f} ms  "
        f"min: {min(timings):.1f} ms  max: {max(timings):.1f} ms"
    )
    print(
        f"peak memory per photo: {peak_mb - baseline_mb:.0f} MB above a fresh process's "
        f"{baseline_mb:.0f} MB (peak RSS); {traced_peak / 1e6:.1f} MB through Python's allocators (tracemalloc)"
    )
    verdict = "meets" if median <= TARGET_MEDIAN_MS else "MISSES"
    print(f"target: median <= {TARGET_MEDIAN_MS} ms on one core -> {verdict}")
    return 0 if median <= TARGET_MEDIAN_MS else 1


if __name__ == "__main__":
    sys.exit(main())
