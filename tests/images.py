"""Photos made on the fly for tests, like a phone would send them."""

import io
import random

from PIL import Image, ImageDraw

ORIENTATION = 0x0112
GPS_IFD = 0x8825


def phone_jpeg(width=1200, height=900, orientation=6, gps=True, brightness=1.0, seed=1):
    """A textured JPEG with EXIF orientation and GPS position, as a phone camera writes it."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (int(200 * brightness), int(170 * brightness), int(120 * brightness)))
    draw = ImageDraw.Draw(image)
    for _ in range(300):
        x, y = rng.randrange(width), rng.randrange(height)
        shade = int(rng.randrange(40, 255) * brightness)
        draw.rectangle([x, y, x + rng.randrange(5, 60), y + rng.randrange(5, 60)],
                       fill=(shade, int(shade * 0.8), int(shade * 0.5)))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (22.0, 9.0, 0.0), 3: "E", 4: (105.0, 24.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif)
    return buffer.getvalue()


def upload(data, name="photo.jpg"):
    return {"file": (io.BytesIO(data), name)}
