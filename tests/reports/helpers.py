from __future__ import annotations

import io

import pypdfium2


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:40]
    doc = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def pdf_pages(data: bytes) -> int:
    doc = pypdfium2.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def xlsx(data: bytes):
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data))  # not read-only: cell types are kept


def fetch(client, url: str, **kwargs):
    """GET and read the whole answer, then close it: a streamed file (reports/files.py's
    send_file) keeps its handle open until the response is closed."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response
