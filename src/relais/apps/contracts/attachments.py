"""Files given with a dispute: type and size checked, stored under the data directory.

The type is decided by the file's first bytes (PDF, PNG, JPEG, XLSX as a ZIP) or, for CSV,
by its name and being UTF-8 text; the declared type is ignored. Files are stored under
`CONTRACTS_ATTACHMENT_DIR` (outside the static and web roots) under a random name, and
served only through the view that checks the viewer sees the statement.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from relais.apps.contracts.errors import ErrorCode
from relais.apps.contracts.models import Dispute, DisputeAttachment
from relais.apps.errors import RelaisError

MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)


def attachment_dir() -> Path:
    return Path(settings.CONTRACTS_ATTACHMENT_DIR)


def content_type_of(name: str, head: bytes, body: bytes) -> str | None:
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            if magic == b"PK\x03\x04" and not name.lower().endswith(".xlsx"):
                return None
            return content_type
    if name.lower().endswith(".csv"):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/csv"
    return None


def attachment_store(*, dispute: Dispute, upload: Any, actor: Any) -> DisputeAttachment:
    """Check and keep one uploaded file (call inside the dispute's transaction)."""
    limit = settings.CONTRACTS_ATTACHMENT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise RelaisError(ErrorCode.ATTACHMENT_SIZE, limit=settings.CONTRACTS_ATTACHMENT_MAX_MB)
    body = upload.read(limit + 1)
    if len(body) > limit:
        raise RelaisError(ErrorCode.ATTACHMENT_SIZE, limit=settings.CONTRACTS_ATTACHMENT_MAX_MB)
    name = Path(str(upload.name)).name[:200] or "attachment"
    content_type = content_type_of(name, body[:16], body)
    if content_type is None:
        raise RelaisError(ErrorCode.ATTACHMENT_TYPE, value=name)
    folder = attachment_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_as = secrets.token_hex(16)
    (folder / stored_as).write_bytes(body)
    return DisputeAttachment.objects.create(
        dispute=dispute,
        name=name,
        content_type=content_type,
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        stored_as=stored_as,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )


def attachment_path(attachment: DisputeAttachment) -> Path:
    return attachment_dir() / attachment.stored_as
