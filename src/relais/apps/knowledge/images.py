"""An uploaded image is accepted by what its bytes are (magic numbers), not by its name: a
file called photo.png that holds HTML or SVG (which can carry script) is refused."""

from __future__ import annotations

from relais.apps.errors import RelaisError
from relais.apps.knowledge.errors import ErrorCode

MAX_IMAGE_BYTES = 2 * 1024 * 1024
_EXTENSIONS = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
}


def image_type(data: bytes) -> str | None:
    """The image type the bytes begin with, None when they are no image we accept."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_check(name: str, data: bytes) -> str:
    """The checked image's type; refuses too large a file, unknown bytes, or a name whose
    extension says another type than the bytes."""
    if len(data) > MAX_IMAGE_BYTES:
        raise RelaisError(ErrorCode.IMAGE_TOO_LARGE, limit="2 MB")
    kind = image_type(data)
    if kind is None or not name.lower().endswith(_EXTENSIONS[kind]):
        raise RelaisError(ErrorCode.INVALID_IMAGE)
    return kind
