"""The channel's ten languages: every catalogue complete (nothing untranslated or fuzzy, the
same placeholders), its committed .mo what the .po compiles to, every string of the sources
in every catalogue (babel.cfg extracts them), and each page served in each language with
the right lang and dir."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from grievances import i18n
from grievances.public_forms import FollowForm
from grievances.states import CATEGORIES, STATUSES
from tests.grievances.public_support import fresh_limits, make_site

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "grievances" / "translations"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


@pytest.fixture(autouse=True)
def _limits():
    yield from fresh_limits()


def _catalogue(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def test_the_catalogues_are_the_supported_languages():
    found = {p.name for p in TRANSLATIONS.iterdir() if p.is_dir()}
    assert found == set(i18n.SUPPORTED)
    assert len(i18n.SUPPORTED) == 10 and i18n.SUPPORTED[0] == "en"


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_each_catalogue_is_complete_and_compiled(lang):
    catalogue = _catalogue(lang)
    assert not catalogue.fuzzy, f"{lang}: the catalogue's header is marked fuzzy"
    messages = [m for m in catalogue if m.id]
    assert len(messages) > 80
    for message in messages:
        assert message.string and message.string.strip(), f"{lang}: {message.id!r} untranslated"
        assert not message.fuzzy, f"{lang}: {message.id!r} is fuzzy"
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(
            PLACEHOLDER.findall(message.string)), f"{lang}: placeholders of {message.id!r}"
        if lang != "en" and len(message.id) > 12:
            assert message.string != message.id, f"{lang}: {message.id!r} left in English"
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    committed = (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert compiled.getvalue() == committed, (
        f"{lang}: messages.mo is not the compiled messages.po: run "
        "pybabel compile -d grievances/translations")


def test_every_string_of_the_sources_is_in_every_catalogue(tmp_path):
    """babel.cfg extracts what the public pages say; the catalogues hold exactly that."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "-q", "extract", "-F",
         "grievances/babel.cfg", "-k", "_l", "--no-location", "-o", str(pot), "grievances"],
        cwd=ROOT, check=True, capture_output=True, timeout=120)
    with open(pot, "rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    assert "Report a problem at work" in extracted and "Secret" in extracted
    assert any("recruitment fees" in m for m in extracted)  # from grievances/i18n.py
    assert "Problems at work? Tell %(company)s." in extracted  # from poster_views.py
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert committed == extracted, "run pybabel extract (see grievances/babel.cfg)"
    for lang in i18n.SUPPORTED:
        held = {m.id for m in _catalogue(lang) if m.id}
        assert held == extracted, f"{lang}: missing {extracted - held}, obsolete {held - extracted}"


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_the_intake_page_is_served_in_each_language(app, client, db, lang):
    site = make_site(db)
    page = client.get(site.url, query_string={"lang": lang})
    assert page.status_code == 200
    assert f'<html lang="{lang}" dir="ltr">' in page.text
    with app.test_request_context(), force_locale(lang):
        title = gettext("Report a problem at work")
        labels = [str(i18n.CATEGORY_LABELS[c]) for c in CATEGORIES]
        statuses = [str(i18n.STATUS_LABELS[s]) for s in STATUSES]
    assert f"<title>{title}</title>" in page.text
    for label in labels:
        assert label in page.text
    if lang != "en":
        with app.test_request_context(), force_locale("en"):
            english = [str(i18n.STATUS_LABELS[s]) for s in STATUSES] + [
                str(i18n.CATEGORY_LABELS[c]) for c in CATEGORIES]
        assert not set(statuses + labels) & set(english), f"{lang}: a label left in English"


def test_labels_cover_every_category_and_status():
    assert set(i18n.CATEGORY_LABELS) == set(CATEGORIES)
    assert set(i18n.STATUS_LABELS) == set(STATUSES)


def test_direction_and_names_of_languages():
    assert i18n.direction("ar") == "rtl" and i18n.direction("ur") == "rtl"
    assert all(i18n.direction(code) == "ltr" for code in i18n.SUPPORTED)
    assert i18n.direction("not-a-language") == "ltr"
    assert i18n.endonym("ne") == "नेपाली" and i18n.endonym("my") == "မြန်မာ"
    assert i18n.endonym("zh") == "中文"


def test_a_right_to_left_page_says_so(app):
    from grievances.public_views import _page

    with app.test_request_context("/g/follow"), force_locale("ar"):
        html, status = _page("follow.html", form=FollowForm(formdata=None), errors={})
    assert status == 200 and '<html lang="ar" dir="rtl">' in html
