"""Product photos: check an upload, orient it, strip its metadata, make the JPEG derivatives."""

import io
import logging
import struct
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageChops, ImageCms, ImageFilter, ImageOps, ImageStat, UnidentifiedImageError

from server.errors import InvalidInput, TooLarge, UnsupportedMedia

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000
# JPEG is decoded at 1/2, 1/4 or 1/8 of its size (draft), so even 50 megapixels stay cheap
# (a one-colour progressive 50 MP JPEG: 0.33 s and +154 MB on one core). PNG and WebP have no
# such shortcut: every pixel is decoded, and a 207 KB one-colour PNG of 49.9 megapixels took 1.9 s
# and +617 MB. Phones never shoot PNG; screenshots are 2-5 megapixels (a 4K screen 8.3), so
# these formats stop at 12 megapixels, checked on the header before any decoding. The worst case
# allowed, measured on one core of this machine: a 12 MP RGBA lossless WebP, 0.47 s and +242 MB;
# a 12 MP RGBA PNG, 0.41 s and +147 MB.
MAX_PIXELS_BY_FORMAT = {"JPEG": MAX_PIXELS, "PNG": 12_000_000, "WEBP": 12_000_000}

# Decided by the bytes, never by the file name or the Content-Type the phone sent.
# HEIC is left out: it needs the pillow-heif plugin, which is not installed. Phones that shoot
# HEIC (iPhones) convert to JPEG when a browser uploads through <input type="file">.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")

# Longest side of each derivative, largest first: each one is made from the one before.
# `thumb` keeps the whole photo (longest side 320 px) rather than a cropped square, so the
# product is never cut off; the PWA crops with CSS `object-fit` where a grid needs squares.
# A photo smaller than a size is never enlarged.
DERIVATIVE_SIZES = {"large": 1600, "medium": 800, "thumb": 320}
CONTENT_TYPE = "image/jpeg"
JPEG_QUALITY = 82

# Below this on the long side a photo looks poor on a shop page (a screenshot, a forwarded chat photo).
SMALL_PHOTO_PX = 800
# Mean grey level (0-255) of the photo. Phones aim near 118; below 55 the photo is more than
# two stops too dark, which happens in a dim house, not with a dark product in good light.
DARK_MEAN = 55
# Blur effect of Crete et al. (2007), as in scikit-image's `blur_effect`: the share of the
# photo's pixel-to-pixel contrast that survives blurring it again; 0 is sharp, 1 is flat.
# Unlike the variance of a Laplacian it does not depend on how much of the photo is plain
# background. Sharp phone photos score about 0.2-0.3 on `medium`; a blur of 2 px there,
# clearly soft to the eye, scores about 0.5. Measured on `medium`: blur that matters at
# 1600 px is mostly averaged away at the 320 px of `thumb`.
BLURRY_EFFECT = 0.48
_REBLUR = ImageFilter.BoxBlur(4)

HINT_MESSAGES = {
    "too_dark": _l("The photo is too dark. Take it again in daylight or near a window."),
    "blurry": _l(
        "The photo looks blurry. Hold the phone still and tap the product on the screen to focus."
    ),
    "too_small": _l(
        "The photo is small, so buyers will not see the details. "
        "Take it with the phone camera instead of sending a screenshot."
    ),
}

NOT_A_PHOTO = _l("This file is not a photo. Please choose a JPEG, PNG or WebP image.")
FILE_TOO_LARGE = _l("This photo is larger than 15 MB. Please choose a smaller photo.")


def too_many_pixels(limit=MAX_PIXELS):
    """The refusal of a photo over `limit` pixels, naming the limit of its format."""
    return _l(
        "This photo has too many pixels (more than %(megapixels)d megapixels). Please choose a smaller photo.",
        megapixels=limit // 1_000_000,
    )


TOO_MANY_PIXELS = too_many_pixels()
DAMAGED_PHOTO = _l("This photo is damaged or incomplete. Please choose it again or take a new one.")

# What Pillow raises while reading a broken file, besides its own UnidentifiedImageError.
_DECODING_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error)


@dataclass(frozen=True)
class ProcessedPhoto:
    """The stored form of an upload: JPEG bytes per derivative, the size of `large`, quality hints."""

    width: int
    height: int
    derivatives: dict[str, bytes]
    hints: list[str] = field(default_factory=list)


def process_photo(data: bytes) -> ProcessedPhoto:
    """Check, orient and shrink an uploaded photo; raises TooLarge, UnsupportedMedia or InvalidInput."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(message=FILE_TOO_LARGE, errors={"file": [FILE_TOO_LARGE]})
    image = _open(data)
    original_size = image.size
    try:
        icc_profile = image.info.get("icc_profile")
        large_size = _fit(image.size, DERIVATIVE_SIZES["large"])
        # Decode the JPEG at 1/2, 1/4 or 1/8 scale (libjpeg DCT scaling), never below `large`.
        image.draft("RGB", large_size)
        image.load()
        # Hamming (support 1) rather than bicubic (support 2): from the 1/2-scale decode to `large`
        # is a shrink of at most 2×, where it keeps the detail the eye sees (benchmarks/photos.py
        # prints the SSIM of both) at 60% of the time.
        large = _shrink(_flatten(image), DERIVATIVE_SIZES["large"], Image.Resampling.HAMMING)
        # Turned after shrinking, which is cheaper; Pillow copies `info` (so the EXIF) to each
        # new image, and exif_transpose reads the orientation from there.
        large = ImageOps.exif_transpose(large)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(message=TOO_MANY_PIXELS, errors={"file": [TOO_MANY_PIXELS]}) from None
    except _DECODING_ERRORS as error:
        log.info("Refused a photo that does not decode: %s", error)
        raise InvalidInput(message=DAMAGED_PHOTO, errors={"file": [DAMAGED_PHOTO]}) from None
    large = _to_srgb(large, icc_profile)
    # Halving by averaging 2x2 pixels (reduce) looks as good as bicubic here, at a tenth of the time.
    medium = _shrink(large, DERIVATIVE_SIZES["medium"], Image.Resampling.BICUBIC, reducing_gap=1.0)
    thumb = _shrink(medium, DERIVATIVE_SIZES["thumb"], Image.Resampling.LANCZOS)
    images = {"large": large, "medium": medium, "thumb": thumb}
    return ProcessedPhoto(
        width=large.width,
        height=large.height,
        # Baseline JPEG with optimized Huffman tables: 7% fewer bytes than plain baseline, within 2%
        # of progressive, which took four times as long to encode `large` (22 ms against 10).
        derivatives={name: _jpeg(derivative) for name, derivative in images.items()},
        hints=quality_hints(original_size, medium, thumb),
    )


def hint_message(key):
    """The localized advice for a quality hint key (a lazy string)."""
    return HINT_MESSAGES[key]


def quality_hints(original_size, medium, thumb):
    """Hint keys for a photo: too dark, blurry (unless too dark: light comes first), too small."""
    hints = []
    if ImageStat.Stat(thumb.convert("L")).mean[0] < DARK_MEAN:
        hints.append("too_dark")
    elif blur_effect(medium) > BLURRY_EFFECT:
        hints.append("blurry")
    if max(original_size) < SMALL_PHOTO_PX:
        hints.append("too_small")
    return hints


def blur_effect(image):
    """From 0 (sharp) to 1 (no detail at all); a photo with no contrast at all counts as sharp."""
    grey = image.convert("L")
    reblurred = grey.filter(_REBLUR)
    effects = []
    for dx, dy in ((1, 0), (0, 1)):
        contrast = ImageChops.difference(grey, ImageChops.offset(grey, dx, dy))
        kept = ImageChops.difference(reblurred, ImageChops.offset(reblurred, dx, dy))
        lost = ImageChops.subtract(contrast, kept)
        total = ImageStat.Stat(contrast).sum[0]
        effects.append((total - ImageStat.Stat(lost).sum[0]) / total if total else 0.0)
    return max(effects)


def _open(data):
    """Open the header only, refusing what is not an accepted photo or has too many pixels."""
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        # Pillow's own limit (about 179 megapixels) is far above ours; the global limit is left
        # alone so other code keeps Pillow's defaults. Between Pillow's warning threshold (about 89
        # megapixels) and its error threshold, Pillow only warns, and our own check below refuses.
        raise InvalidInput(message=TOO_MANY_PIXELS, errors={"file": [TOO_MANY_PIXELS]}) from None
    except Image.DecompressionBombWarning:
        # Only raised when warnings are turned into errors (python -W error).
        raise InvalidInput(message=TOO_MANY_PIXELS, errors={"file": [TOO_MANY_PIXELS]}) from None
    except (UnidentifiedImageError, *_DECODING_ERRORS):
        raise UnsupportedMedia(message=NOT_A_PHOTO, errors={"file": [NOT_A_PHOTO]}) from None
    if image.format not in ACCEPTED_FORMATS:
        raise UnsupportedMedia(message=NOT_A_PHOTO, errors={"file": [NOT_A_PHOTO]})
    width, height = image.size
    limit = MAX_PIXELS_BY_FORMAT[image.format]
    if width * height > limit:
        message = too_many_pixels(limit)
        raise InvalidInput(message=message, errors={"file": [message]})
    return image


def _fit(size, longest):
    """The size scaled down so its longest side is at most `longest`."""
    width, height = size
    scale = longest / max(width, height)
    if scale >= 1:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


def derivative_sizes(large_size, names):
    """{name: {"width", "height"}} of the derivatives `names` made from a `large` of `large_size`, each
    as process_photo makes it from the one before: floors learn an image's size without fetching it.

    The answer is shared between callers asking the same (photos come in a few sizes): not to be changed."""
    return _derivative_sizes(tuple(large_size), tuple(names))


@lru_cache(maxsize=1024)
def _derivative_sizes(large_size, names):
    sizes, size = {}, large_size
    for name, longest in DERIVATIVE_SIZES.items():
        size = _fit(size, longest)
        if name in names:
            sizes[name] = {"width": size[0], "height": size[1]}
    return sizes


def _shrink(image, longest, resample, reducing_gap=2.0):
    size = _fit(image.size, longest)
    if size == image.size:
        return image
    return image.resize(size, resample, reducing_gap=reducing_gap)


def _flatten(image):
    """RGB, with transparency laid on white (how a product looks on a shop page)."""
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        # 16-bit grey PNG: scale to 8 bits instead of letting convert() clip everything to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if "transparency" in image.info or image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode == "RGB" else image.convert("RGB")


def _to_srgb(image, icc_profile):
    """Convert colours from the embedded profile to sRGB, since the profile itself is not kept."""
    if not icc_profile:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if ImageCms.getProfileDescription(source).strip().startswith("sRGB"):
            return image
        return ImageCms.profileToProfile(
            image,
            source,
            _SRGB,
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            outputMode="RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as error:
        # A broken or unusual profile (CMYK, grey) costs a little colour accuracy, not the upload.
        log.info("Kept the colours of a photo with an unusable ICC profile: %s", error)
        return image


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _jpeg(image):
    """JPEG bytes with no metadata at all: no EXIF (so no GPS), no ICC, no XMP, no comment."""
    image.info.clear()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
