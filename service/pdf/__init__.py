"""PDF conversion of generated documents at scale: a persistent LibreOffice per converter slot (unoserver),
a queue any number of worker processes claim from, wake-ups on commit, round progress and retries.

- `queue`: the document states and the claim / store / give-back statements (SKIP LOCKED on PostgreSQL).
- `uno`: one long-lived LibreOffice driven through unoserver, killed and restarted when it dies or hangs.
- `wakeup`: converters sleep until a document is committed (LISTEN/NOTIFY on PostgreSQL, in-process on SQLite).
- `service`: the converter slots of one process (`start_embedded_converter` for `make run`, the worker command).
- `progress`: a round's documents by state, and an administrator's retry of a failed conversion.
- `soffice`: one document through a one-off `soffice --convert-to pdf` (template previews; the fallback when
  unoserver is missing).
- `pades` / `signing`: PAdES signing of an issued decision's PDF (pyHanko), and the configured key.
"""
