"""Time the photo pipeline on a 12-megapixel phone-like JPEG: median and p95 per photo, peak memory;
beside it, in the same run, the fastest reasonable Pillow pipeline making the same three JPEGs.

Run from the project root:  .venv/bin/python benchmarks/photos.py [--runs 30]
Targets (SPEC §8, issue 13): all derivatives in at most 150 ms median on one core, and at most 1.15×
the minimal pipeline's median (absolute times drift with the machine's load; the ratio does not), with
the visible quality kept: the SSIM of each pipeline's `large` against a reference made from the full
photo (Lanczos, no JPEG) is printed side by side.

The minimal pipeline decodes at 1/2 scale like the project, resizes with Pillow's bilinear filter, turns
the photo upright and writes baseline JPEGs at the same quality; it checks nothing, keeps no colour
profile and gives no hints.
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

import numpy
from PIL import ExifTags, Image, ImageDraw, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.services.photo_processing import process_photo  # noqa: E402

TARGET_MEDIAN_MS = 150
TARGET_RATIO = 1.15


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


def minimal_pipeline(data):
    """The fastest reasonable way to the same three derivatives with Pillow (see the module docstring)."""
    image = Image.open(io.BytesIO(data))
    scale = 1600 / max(image.size)
    size = (round(image.width * scale), round(image.height * scale))
    image.draft("RGB", size)
    large = image.convert("RGB").resize(size, Image.Resampling.BILINEAR)
    large = ImageOps.exif_transpose(large)
    medium = large.reduce(2)
    thumb = medium.resize((320, round(320 * medium.height / medium.width)), Image.Resampling.BILINEAR)
    outputs = {}
    for name, derivative in (("large", large), ("medium", medium), ("thumb", thumb)):
        buffer = io.BytesIO()
        derivative.save(buffer, "JPEG", quality=82)
        outputs[name] = buffer.getvalue()
    return outputs


def ssim(first, second, window=8):
    """Mean structural similarity of two images' luminance, over 8×8 windows (1.0: the same)."""
    x, y = (numpy.asarray(image.convert("L"), dtype=numpy.float64) for image in (first, second))
    height, width = (min(x.shape[0], y.shape[0]) // window) * window, (min(x.shape[1], y.shape[1]) // window) * window
    x, y = (a[:height, :width].reshape(height // window, window, width // window, window) for a in (x, y))
    mean_x, mean_y = x.mean((1, 3)), y.mean((1, 3))
    covariance = ((x - mean_x[:, None, :, None]) * (y - mean_y[:, None, :, None])).mean((1, 3))
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    return float((((2 * mean_x * mean_y + c1) * (2 * covariance + c2))
                  / ((mean_x ** 2 + mean_y ** 2 + c1) * (x.var((1, 3)) + y.var((1, 3)) + c2))).mean())


def reference_large(data, size):
    """What `large` should look like: the full photo, upright, shrunk with Lanczos, never JPEG-encoded."""
    with Image.open(io.BytesIO(data)) as original:
        return ImageOps.exif_transpose(original.convert("RGB")).resize(size, Image.Resampling.LANCZOS)


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
        minimal = minimal_pipeline(data)
    timings, minimal_timings = [], []
    for _ in range(args.runs):  # alternately, so that a busy moment costs both alike
        started = time.perf_counter()
        result = process_photo(data)
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        minimal = minimal_pipeline(data)
        minimal_timings.append((time.perf_counter() - started) * 1000)

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
    minimal_median = statistics.median(minimal_timings)
    ratio = median / minimal_median
    large = Image.open(io.BytesIO(result.derivatives["large"]))
    reference = reference_large(data, large.size)
    quality = {name: ssim(Image.open(io.BytesIO(outputs["large"])), reference)
               for name, outputs in (("project", result.derivatives), ("minimal", minimal))}
    print(f"minimal pipeline: median {minimal_median:.1f} ms; project / minimal = {ratio:.2f} "
          f"(target <= {TARGET_RATIO})")
    print(f"`large` against a Lanczos reference from the full photo, SSIM: project {quality['project']:.4f}, "
          f"minimal {quality['minimal']:.4f}; bytes: project "
          + ", ".join(f"{name} {len(jpeg) / 1000:.0f} kB" for name, jpeg in result.derivatives.items())
          + "; minimal " + ", ".join(f"{name} {len(jpeg) / 1000:.0f} kB" for name, jpeg in minimal.items()))
    meets = median <= TARGET_MEDIAN_MS and ratio <= TARGET_RATIO and quality["project"] >= quality["minimal"]
    print(f"targets: median <= {TARGET_MEDIAN_MS} ms on one core, <= {TARGET_RATIO}× the minimal pipeline, "
          f"SSIM not below it -> {'meets' if meets else 'MISSES'}")
    return 0 if meets else 1


if __name__ == "__main__":
    sys.exit(main())
