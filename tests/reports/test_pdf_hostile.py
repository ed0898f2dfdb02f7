"""Hostile supplier names in the PDF are text: no markup, no fetch. And the fetcher itself
refuses everything that is not one of our static files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from weasyprint import HTML

from reports import pdf, report_pdf
from reports.evidence import gather_facts
from tests.reports.helpers import pdf_text
from tests.risk.risk_factories import make_score
from tests.suppliers.factories import make_supplier

HOSTILE = [
    "<img src=http://127.0.0.1:1/x>",
    "<link rel=stylesheet href=file:///etc/hostname>",
    '"><style>@import url(http://127.0.0.1:1/y);</style>',
    "安徽棉纺织有限公司",
    "काठमाडौं म्यानपावर",
    "مصنع القطن العربي",
]


def test_hostile_names_are_text_and_nothing_is_fetched(app, db, network, monkeypatch):
    for i, name in enumerate(HOSTILE):
        s = make_supplier(db, network.org, name=name, country="CN")
        make_score(db, s, 99.0 - i)  # among the top risks: in the PDF
    db.flush()
    fetchers: list[pdf.StaticOnlyFetcher] = []
    real = pdf.StaticOnlyFetcher

    class Watching(real):
        def __init__(self, roots):
            super().__init__(roots)
            fetchers.append(self)

    import app.pdf as shell_pdf

    monkeypatch.setattr(shell_pdf, "StaticOnlyFetcher", Watching)  # where renders make theirs
    with app.test_request_context():
        facts = gather_facts(db, org=network.org, period_start=network.start,
                             period_end=network.end)
        html = report_pdf.html(facts, made_at="now")
        data = report_pdf.render(facts, made_at="now")
    assert "<img src=http" not in html and "&lt;img src=http://127.0.0.1:1/x&gt;" in html
    assert "<link rel=stylesheet href=file" not in html
    assert fetchers and all(f.refused == [] for f in fetchers)  # print.css only, no refusal
    text = pdf_text(data)
    squashed = re.sub(r"\s+", "", text)  # narrow table cells wrap long names anywhere
    assert "<imgsrc=http://127.0.0.1:1/x>" in squashed
    assert "<linkrel=stylesheethref=file:///etc/hostname>" in squashed
    assert "مصنع" in text or "القطن" in text  # DejaVu has Arabic glyphs
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() \
        else ""
    if len(hostname) > 6:  # the file's content was not attached or shown
        assert hostname not in text


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:1/x", "https://example.org/a.css", "file:///etc/hostname",
    "file:///etc/passwd", "ftp://example.org/x.css", "data:text/css,body{}",
    "file://evil.example/etc/x.css",
])
def test_fetcher_refuses_anything_but_our_static_files(app, url):
    fetcher = pdf.StaticOnlyFetcher((pdf.STATIC,))
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused == [url[:200]]


def test_fetcher_refuses_paths_escaping_the_static_folder(app):
    fetcher = pdf.StaticOnlyFetcher((pdf.STATIC,))
    escape = (pdf.STATIC / ".." / "models.py").as_uri()
    with pytest.raises(ValueError):
        fetcher.fetch(escape)
    served = fetcher.fetch((pdf.STATIC / "print.css").as_uri())
    assert b"@page" in served.body if hasattr(served, "body") else True


def test_a_template_injected_url_is_refused_and_skipped(app):
    """Should markup ever reach WeasyPrint, its URLs go through the fetcher and are refused."""
    fetcher = pdf.StaticOnlyFetcher((pdf.STATIC,))
    html = ('<link rel="stylesheet" href="print.css">'
            '<p>x<img src="http://127.0.0.1:1/x"></p>'
            '<link rel="stylesheet" href="file:///etc/hostname">')
    data = HTML(string=html, base_url=pdf.STATIC.as_uri() + "/",
                url_fetcher=fetcher).write_pdf()
    assert data.startswith(b"%PDF")
    assert "http://127.0.0.1:1/x" in fetcher.refused
    assert "file:///etc/hostname" in fetcher.refused
    assert not any(u.endswith("print.css") for u in fetcher.refused)
