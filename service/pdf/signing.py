"""PAdES signing of an issued decision's PDF, right after its conversion, when a key is configured."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ..i18n import msg
from .pades import PdfSigningError, sign_pdf

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SigningKey:
    """A PKCS#12 key and certificate for PAdES signatures, and the reason and place printed in them."""

    pkcs12: bytes
    passphrase: str | None
    reason: str = "Ký ban hành quyết định khen thưởng"
    location: str = "Đà Nẵng"


def signing_key(path: str | None, passphrase: str | None) -> SigningKey | None:
    """The configured key (SIGNING_PKCS12_PATH / SIGNING_PASSPHRASE), or None when signing is not configured."""
    if not path:
        return None
    return SigningKey(pkcs12=Path(path).read_bytes(), passphrase=passphrase)


def sign(pdf: bytes, key: SigningKey, document_id: int) -> tuple[bytes | None, str | None]:
    """(signed PDF, None), or (None, the error) when signing failed — the unsigned PDF is kept then."""
    try:
        return sign_pdf(pdf, pkcs12_bytes=key.pkcs12, passphrase=key.passphrase, reason=key.reason,
                        location=key.location), None
    except PdfSigningError as exc:
        log.warning("signing document %s failed: %s", document_id, exc)
        return None, msg("Ký số thất bại", exc=exc)
