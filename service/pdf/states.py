"""The states of a generated document's PDF."""

from __future__ import annotations

# generated: recorded by its step (its .docx is rendered with the PDF, outside the step's transaction);
# converting: claimed by a converter since `pdf_claimed_at`; converted: .docx and PDF stored;
# failed: the document could not be made (see `pdf_error`; an administrator may retry);
# unavailable: no LibreOffice where it was generated (the .docx was rendered in the step).
GENERATED = "generated"
CONVERTING = "converting"
CONVERTED = "converted"
FAILED = "failed"
UNAVAILABLE = "unavailable"
PDF_STATES = (GENERATED, CONVERTING, CONVERTED, FAILED, UNAVAILABLE)
# What an administrator may send back to the queue.
RETRYABLE = (FAILED, UNAVAILABLE)
