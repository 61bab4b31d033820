"""Receipt uploads: PDF, JPEG or PNG, recognised by their first bytes (a name can say
anything), and no bigger than RECEIPT_MAX_BYTES."""

from __future__ import annotations

from decimal import ROUND_UP, Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from payments.errors import PaymentsError

RECEIPT_MAX_BYTES = 5 * 1024 * 1024

# Magic numbers: what a file of each kind must start with.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}


def max_bytes() -> int:
    return getattr(settings, "PAYMENTS_RECEIPT_MAX_BYTES", RECEIPT_MAX_BYTES)


def check(upload: UploadedFile) -> str:
    """The receipt's content type, or a domain error saying what is wrong with it."""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise PaymentsError(
            f"The receipt is {_megabytes(upload.size)} MB; the most we can take is "
            f"{limit // (1024 * 1024)} MB. Try a smaller photo or scan.",
            field="receipt",
        )
    if not upload.size:
        raise PaymentsError(
            "The receipt file is empty. Choose the file again, or take a new photo.",
            field="receipt",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    detected = next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)
    if detected is None:
        raise PaymentsError(
            "The receipt must be a PDF, a JPEG photo or a PNG image. This file is none of these.",
            field="receipt",
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in EXTENSIONS[detected]:
        raise PaymentsError(
            "The receipt's name does not match what is inside it. Upload the PDF, JPEG or "
            "PNG file as it was saved.",
            field="receipt",
        )
    return detected


def _megabytes(size: int) -> Decimal:
    return (Decimal(size) / Decimal(1024 * 1024)).quantize(Decimal("0.1"), ROUND_UP)


def display_name(name: str) -> str:
    """The file name the person gave, without any folders, for showing back to them."""
    return PurePath((name or "receipt").replace("\\", "/")).name[:200] or "receipt"
