"""PAdES signing of generated PDFs with pyHanko (pinned: pyHanko==0.38.0)."""

from __future__ import annotations

import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError

from ..i18n import msg

SIGNATURE_FIELD = "ChuKySo"


class PdfSigningError(RuntimeError):
    """The key file could not be loaded or the PDF could not be signed."""


def sign_pdf(
    pdf_bytes: bytes, *, pkcs12_bytes: bytes, passphrase: bytes | str | None, reason: str, location: str
) -> bytes:
    """Sign a PDF (PAdES baseline, invisible signature field) with a PKCS#12 key and certificate."""
    if isinstance(passphrase, str):
        passphrase = passphrase.encode()
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(pkcs12_bytes, other_certs=[], passphrase=passphrase)
    except (ValueError, TypeError) as exc:
        raise PdfSigningError(msg("Không đọc được tệp chứng thư số")) from exc
    if signer is None:
        raise PdfSigningError(msg("Không đọc được tệp chứng thư số"))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    output = io.BytesIO()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        signers.PdfSigner(metadata, signer=signer).sign_pdf(writer, output=output)
    except SigningError as exc:
        raise PdfSigningError(msg("Ký số thất bại", exc=exc)) from exc
    return output.getvalue()
