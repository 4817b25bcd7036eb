"""Every stored file (templates, generated .docx, PDFs, signed PDFs, attachments, deployed workflow files) is
bytes in the database, which every host of the service reaches; no table records a path on some host's disk
that another host would then have to read."""

from __future__ import annotations

from sqlalchemy import LargeBinary, String, Text

from service.db import Base
from service.models import Attachment, DeploymentFile, DocumentTemplate, GeneratedDocument

FILE_COLUMNS = {
    DocumentTemplate: ("content",),
    GeneratedDocument: ("content", "pdf_content", "signed_pdf_content"),
    Attachment: ("content",),
    DeploymentFile: ("content",),
}
PATH_LIKE = ("path", "filepath", "file_path", "location", "storage", "directory", "dir")


def test_the_files_are_binary_columns():
    for model, columns in FILE_COLUMNS.items():
        for name in columns:
            assert isinstance(model.__table__.c[name].type, LargeBinary), f"{model.__name__}.{name}"


def test_no_table_stores_a_local_path():
    found = []
    for table in Base.metadata.tables.values():
        for column in table.columns:
            words = column.name.lower().split("_")
            if isinstance(column.type, (String, Text)) and any(word in PATH_LIKE for word in words):
                found.append(f"{table.name}.{column.name}")
    assert found == []
