"""The photo pipeline: type sniffing, limits, orientation, metadata stripping, derivatives, hints."""

import io
import logging
import struct
import warnings
import zlib

import pytest
from flask import Flask
from flask_babel import Babel
from PIL import ExifTags, Image, ImageCms, ImageDraw, ImageFilter

from server.errors import InvalidInput, TooLarge, UnsupportedMedia
from server.services.photo_processing import (
    HINT_MESSAGES,
    MAX_UPLOAD_BYTES,
    hint_message,
    process_photo,
)

RED = (220, 20, 20)
BLUE = (20, 20, 220)
LONGEST_SIDE = {"large": 1600, "medium": 800, "thumb": 320}


def encode(image, format="JPEG", **options):
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def textured(size, seed=0, brightness=1.0):
    """A sharp, evenly lit photo-like image: soft colour gradients under fine grain."""
    width, height = size
    colours = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
            Image.linear_gradient("L").rotate(90).resize(size),
        ],
    )
    grain = Image.effect_noise(size, 60 + seed).convert("RGB")
    image = Image.blend(colours, grain, 0.35)
    draw = ImageDraw.Draw(image)
    for step in range(0, width, max(1, width // 12)):
        draw.line((step, 0, width - step, height), fill=(30, 30, 30), width=max(1, width // 400))
    if brightness != 1.0:
        image = image.point(lambda value: value * brightness)
    return image


def opened(jpeg):
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG"
    return image


def segment_markers(jpeg):
    """The markers of a JPEG's header segments, up to the first scan."""
    markers, offset = [], 2
    while offset < len(jpeg):
        assert jpeg[offset] == 0xFF
        marker = jpeg[offset + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: compressed data follows
            return markers
        (length,) = struct.unpack(">H", jpeg[offset + 2 : offset + 4])
        offset += 2 + length
    return markers


def png_header(width, height):
    """A PNG that declares a size in its header and carries almost no data (a bomb's shape)."""

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def phone_jpeg():
    """A 12-megapixel JPEG stored sideways (EXIF orientation 6), with GPS and camera details.

    The stored top-left corner is red and the bottom-left blue: turned upright (90° clockwise)
    red belongs top-right and blue top-left.
    """
    image = textured((4000, 3000), seed=1)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 599, 599), fill=RED)
    draw.rectangle((0, 2400, 599, 2999), fill=BLUE)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (22.0, 9.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 22.0, 12.0)
    return encode(image, quality=90, exif=exif)


@pytest.fixture(scope="module")
def processed_phone_photo(phone_jpeg):
    return process_photo(phone_jpeg)


@pytest.fixture(scope="module")
def good_photo():
    return encode(textured((2000, 1500), seed=2), quality=90)


def close_to(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


# --- Orientation, sizes, metadata -------------------------------------------------------------


def test_the_test_photo_carries_gps_and_orientation(phone_jpeg):
    exif = Image.open(io.BytesIO(phone_jpeg)).getexif()
    assert exif[ExifTags.Base.Orientation] == 6
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"


def test_a_sideways_phone_photo_comes_out_upright(processed_phone_photo):
    assert (processed_phone_photo.width, processed_phone_photo.height) == (1200, 1600)
    expected = {"large": (1200, 1600), "medium": (600, 800), "thumb": (240, 320)}
    for name, jpeg in processed_phone_photo.derivatives.items():
        image = opened(jpeg).convert("RGB")
        assert image.size == expected[name], name
        width, height = image.size
        near = max(2, width // 40)
        assert close_to(image.getpixel((width - 1 - near, near)), RED), name
        assert close_to(image.getpixel((near, near)), BLUE), name
        assert not close_to(image.getpixel((near, height - 1 - near)), RED), name
        assert not close_to(image.getpixel((width - 1 - near, height - 1 - near)), BLUE), name


def test_no_metadata_and_no_gps_in_any_derivative(processed_phone_photo):
    assert set(processed_phone_photo.derivatives) == {"large", "medium", "thumb"}
    for name, jpeg in processed_phone_photo.derivatives.items():
        image = opened(jpeg)
        exif = image.getexif()
        assert len(exif) == 0, name
        assert len(exif.get_ifd(ExifTags.IFD.GPSInfo)) == 0, name
        for key in ("exif", "icc_profile", "xmp", "comment"):
            assert key not in image.info, (name, key)
        # No APP1 (EXIF, XMP), APP2 (ICC) or COM segment at all; APP0 (JFIF) is allowed.
        markers = segment_markers(jpeg)
        assert not {0xE1, 0xE2, 0xFE} & set(markers), (name, [hex(m) for m in markers])
        assert b"Exif\0\0" not in jpeg and b"Samsung" not in jpeg


def test_icc_xmp_and_comments_are_dropped_too():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    jpeg = encode(textured((1200, 900)), icc_profile=srgb, xmp=xmp, comment=b"Nha ong Ba, thon 3")
    source = Image.open(io.BytesIO(jpeg))
    assert {"icc_profile", "xmp", "comment"} <= set(source.info)

    for name, derivative in process_photo(jpeg).derivatives.items():
        image = opened(derivative)
        assert not {"icc_profile", "xmp", "comment", "exif"} & set(image.info), name
        assert b"thon 3" not in derivative


def test_derivative_sizes_of_a_landscape_photo():
    result = process_photo(encode(textured((3000, 2000))))
    assert (result.width, result.height) == (1600, 1067)
    for name, jpeg in result.derivatives.items():
        width, height = opened(jpeg).size
        assert max(width, height) == LONGEST_SIDE[name], name
        assert abs(width / height - 1.5) < 0.01, name


def test_png_transparency_is_laid_on_white():
    image = Image.new("RGBA", (1000, 800), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((300, 200, 700, 600), fill=(*RED, 255))
    result = process_photo(encode(image, "PNG"))
    large = opened(result.derivatives["large"])
    assert large.mode == "RGB"
    assert close_to(large.getpixel((10, 10)), (255, 255, 255), tolerance=3)
    assert close_to(large.getpixel((500, 400)), RED)


def test_palette_png_with_a_transparent_colour_is_laid_on_white():
    image = Image.new("P", (900, 900), 0)
    image.putpalette([0, 0, 0, *RED] + [0] * 762)
    ImageDraw.Draw(image).rectangle((300, 300, 600, 600), fill=1)
    result = process_photo(encode(image, "PNG", transparency=0))
    large = opened(result.derivatives["large"]).convert("RGB")
    assert close_to(large.getpixel((10, 10)), (255, 255, 255), tolerance=3)
    assert close_to(large.getpixel((450, 450)), RED)


def test_sixteen_bit_grey_png_keeps_its_tones():
    image = Image.new("I;16", (900, 900), 40000)
    result = process_photo(encode(image, "PNG"))
    grey = opened(result.derivatives["medium"]).convert("L").getpixel((100, 100))
    assert abs(grey - 40000 // 256) <= 3


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_grey_and_cmyk_jpegs_become_rgb(mode):
    result = process_photo(encode(textured((1000, 800)).convert(mode)))
    large = opened(result.derivatives["large"])
    assert (large.mode, large.size) == ("RGB", (1000, 800))


def test_webp_is_accepted():
    result = process_photo(encode(textured((1000, 800)), "WEBP", quality=90))
    assert opened(result.derivatives["large"]).size == (1000, 800)


def test_a_small_photo_is_not_enlarged():
    result = process_photo(encode(textured((200, 150))))
    assert (result.width, result.height) == (200, 150)
    for jpeg in result.derivatives.values():
        assert opened(jpeg).size == (200, 150)


def test_colours_are_converted_from_an_embedded_profile(caplog):
    # An RGB profile whose red and blue primaries are swapped: pure red in it is blue in sRGB.
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile = bytearray(bytes(profile).replace("sRGB".encode("utf-16-be"), "xRGB".encode("utf-16-be")))
    (count,) = struct.unpack(">I", profile[128:132])
    entries = {bytes(profile[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = entries[b"rXYZ"], entries[b"bXYZ"]
    profile[red + 4 : red + 12], profile[blue + 4 : blue + 12] = (
        profile[blue + 4 : blue + 12],
        profile[red + 4 : red + 12],
    )
    jpeg = encode(Image.new("RGB", (900, 900), (230, 0, 0)), quality=95, icc_profile=bytes(profile))

    with caplog.at_level(logging.INFO, logger="server.services.photo_processing"):
        result = process_photo(jpeg)
    r, g, b = opened(result.derivatives["large"]).getpixel((450, 450))
    assert b > 150 and r < 80
    assert "ICC" not in caplog.text


def test_a_broken_colour_profile_does_not_refuse_the_photo():
    jpeg = encode(Image.new("RGB", (900, 900), (230, 0, 0)), icc_profile=b"not a profile")
    large = opened(process_photo(jpeg).derivatives["large"])
    assert close_to(large.getpixel((450, 450)), (230, 0, 0), tolerance=10)
    assert "icc_profile" not in large.info


# --- Quality hints ----------------------------------------------------------------------------


def test_a_good_photo_gets_no_hints(good_photo, processed_phone_photo):
    assert process_photo(good_photo).hints == []
    assert processed_phone_photo.hints == []


def test_a_dark_photo_is_too_dark():
    dark = textured((2000, 1500), brightness=0.25)
    hints = process_photo(encode(dark)).hints
    assert hints == ["too_dark"]


def test_a_blurry_photo_is_blurry():
    blurry = textured((2000, 1500)).filter(ImageFilter.GaussianBlur(12))
    assert process_photo(encode(blurry)).hints == ["blurry"]


def test_a_small_photo_is_too_small():
    assert process_photo(encode(textured((200, 150)))).hints == ["too_small"]
    assert process_photo(encode(textured((799, 600)))).hints == ["too_small"]
    assert process_photo(encode(textured((800, 600)))).hints == []


def test_hint_messages_are_localized_sentences():
    app = Flask(__name__)
    Babel(app, default_locale="en")
    with app.test_request_context():
        for key in ("too_dark", "blurry", "too_small"):
            message = hint_message(key)
            assert message is HINT_MESSAGES[key]
            assert str(message).endswith(".") and len(str(message)) > 20
    with pytest.raises(KeyError):
        hint_message("too_pretty")


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Xin chao, day la file van ban.\n" * 40, id="text file named .jpg"),
        pytest.param(b"", id="empty"),
        pytest.param(b"%PDF-1.7\n" + b"0" * 2000, id="pdf"),
        pytest.param(encode(Image.new("RGB", (900, 900)), "GIF"), id="gif"),
        pytest.param(encode(Image.new("RGB", (900, 900)), "BMP"), id="bmp"),
        pytest.param(encode(Image.new("RGB", (900, 900)), "TIFF"), id="tiff"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 500, id="jpeg magic then nothing"),
    ],
)
def test_what_is_not_an_accepted_photo_is_refused_with_415(data):
    with pytest.raises(UnsupportedMedia) as refused:
        process_photo(data)
    assert refused.value.status == 415
    assert "JPEG, PNG or WebP" in str(refused.value.message)
    assert refused.value.errors == {"file": [refused.value.message]}


def test_more_than_15_mb_is_refused_with_413_before_decoding(good_photo):
    # A real photo padded past the limit: refused for its size, so never decoded.
    padded = good_photo + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(good_photo))
    with pytest.raises(TooLarge) as refused:
        process_photo(padded)
    assert refused.value.status == 413
    assert "15 MB" in str(refused.value.message)
    with pytest.raises(TooLarge):
        process_photo(b"\0" * (MAX_UPLOAD_BYTES + 1))


def test_exactly_15_mb_is_not_refused_for_its_size(good_photo):
    padded = good_photo + b"\0" * (MAX_UPLOAD_BYTES - len(good_photo))
    assert process_photo(padded).width == 1600


def jpeg_header(width, height):
    """A JPEG that declares a size in its frame header and carries the data of a tiny one."""
    small = bytearray(encode(Image.new("RGB", (16, 16), (200, 100, 50))))
    frame = small.index(b"\xff\xc0")
    small[frame + 5:frame + 9] = struct.pack(">HH", height, width)
    return bytes(small)


def test_a_real_60_megapixel_png_is_refused_with_422():
    png = encode(Image.new("1", (10_000, 6_000), 1), "PNG")
    assert len(png) < MAX_UPLOAD_BYTES
    with pytest.raises(InvalidInput) as refused:
        process_photo(png)
    assert refused.value.status == 422
    assert "12 megapixels" in str(refused.value.message)


@pytest.mark.parametrize("pillow_warnings", ["ignore", "error"])
@pytest.mark.parametrize(
    "size",
    [
        pytest.param((8_000, 6_300), id="50.4 MP"),
        pytest.param((12_000, 10_000), id="120 MP, above Pillow's warning"),
        pytest.param((20_000, 20_000), id="400 MP, above Pillow's error"),
    ],
)
def test_decompression_bombs_are_refused_with_422(size, pillow_warnings):
    maximum_before = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter(pillow_warnings, Image.DecompressionBombWarning)
        for bomb in (png_header(*size), jpeg_header(*size)):
            with pytest.raises(InvalidInput) as refused:
                process_photo(bomb)
            assert "megapixels" in str(refused.value.message)
    assert Image.MAX_IMAGE_PIXELS == maximum_before


def test_fifty_megapixels_exactly_is_allowed_through_the_size_check_of_a_jpeg():
    # 7,500 x 6,666 = 49,995,000 pixels: decoded at 1/4 of its size (libjpeg greys the missing data).
    assert process_photo(jpeg_header(7_500, 6_666)).width == 1600
    with pytest.raises(InvalidInput) as refused:
        process_photo(jpeg_header(8_000, 6_300))
    assert "50 megapixels" in str(refused.value.message)


@pytest.mark.parametrize("format", ["PNG", "WEBP"])
def test_png_and_webp_stop_at_12_megapixels_before_decoding(format):
    """A one-colour picture of 49.9 megapixels is tiny as a file and huge once decoded."""
    bomb = encode(Image.new("RGBA", (8_156, 6_118), (200, 100, 50, 128)), format,
                  **({"lossless": True} if format == "WEBP" else {}))
    assert len(bomb) < 300_000
    with pytest.raises(InvalidInput) as refused:
        process_photo(bomb)
    assert "12 megapixels" in str(refused.value.message)


def test_a_12_megapixel_png_is_still_accepted():
    # 4,000 x 3,000: what a camera photo edited and saved as PNG looks like.
    png = encode(Image.new("RGB", (4_000, 3_000), (200, 100, 50)), "PNG")
    assert process_photo(png).width == 1600
    with pytest.raises(InvalidInput):
        process_photo(png_header(4_000, 3_001))


def test_a_truncated_jpeg_is_refused_with_422(good_photo):
    with pytest.raises(InvalidInput) as refused:
        process_photo(good_photo[: len(good_photo) // 2])
    assert refused.value.status == 422
    assert "damaged" in str(refused.value.message)


def test_a_corrupt_jpeg_is_refused_cleanly(good_photo):
    corrupt = good_photo[:600] + bytes(range(256)) * 40
    with pytest.raises((InvalidInput, UnsupportedMedia)):
        process_photo(corrupt)
