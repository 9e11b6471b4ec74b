"""Cleaning images before the task force sees them: re-encoded, with no EXIF, GPS, XMP or
colour profile left (design §5.6). Orientation is applied first, so nothing looks rotated."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

# Larger images are refused rather than decoded (a decompression bomb is a few KB on the wire).
MAX_PIXELS = 60_000_000
QUALITY = 90


class NotAnImage(Exception):
    """The bytes are no image Pillow knows (a PDF, a voice note...)."""


class CannotClean(Exception):
    """An image that could not be re-encoded: it must not be passed on as it is."""


def looks_like_image(data: bytes) -> bool:
    """Whether Pillow recognises the bytes as an image (without decoding it)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)):
                return True
    except UnidentifiedImageError:
        return False
    except Exception:  # recognised, but broken or too big: still an image
        return True


def clean_jpeg(data: bytes, fit: int | None = None) -> bytes:
    """The image re-encoded as a JPEG without any metadata (scaled to fit `fit` pixels a side,
    if given); raises NotAnImage or CannotClean."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as original:
                if original.width * original.height > MAX_PIXELS:
                    raise CannotClean("too many pixels")
                upright = ImageOps.exif_transpose(original)
                pixels = _rgb(upright)
    except UnidentifiedImageError as exc:
        raise NotAnImage from exc
    except CannotClean:
        raise
    except Exception as exc:  # truncated, a bomb, an unsupported mode: never pass it on raw
        raise CannotClean(type(exc).__name__) from exc
    # A fresh image holds the pixels only: nothing of the original's info can ride along.
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    if fit is not None:
        clean.thumbnail((fit, fit))
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def _rgb(image: Image.Image) -> Image.Image:
    """The pixels as RGB (or greyscale), transparency laid on white."""
    image.load()
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")
