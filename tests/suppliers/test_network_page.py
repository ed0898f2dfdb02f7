"""Static checks of the supplier network page's front end (no app, no database, no browser).

The vendored Cytoscape.js must match its PROVENANCE.md and ship its MIT licence; our JavaScript
(several classic scripts sharing one namespace) must build the DOM without eval or innerHTML and
take from the namespace only what an earlier file added; the template must load those files in
order, have no inline script or style (the CSP is script-src 'self'; style-src 'self') and use only
the view's documented context. The HTTP-level test of the page lives with the view.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from suppliers.kinds import SUPPLIER_KINDS

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "app" / "static" / "vendor" / "cytoscape"
CYTOSCAPE = VENDOR / "cytoscape.min.js"
LICENSE = VENDOR / "LICENSE"
PROVENANCE = VENDOR / "PROVENANCE.md"
JS_DIR = ROOT / "app" / "static" / "js"
# Our network scripts in the order the page loads them: each may use what the earlier ones add to
# window.TierlightNetwork, and network.js, the entry point, runs last.
NETWORK_JS_FILES = [
    JS_DIR / "network-base.js",
    JS_DIR / "network-style.js",
    JS_DIR / "network-layout.js",
    JS_DIR / "network.js",
]
NAMESPACE = "window.TierlightNetwork"
MAX_JS_LINES = 450
NETWORK_CSS = ROOT / "app" / "static" / "css" / "network.css"
TEMPLATE = ROOT / "suppliers" / "templates" / "suppliers" / "network.html"

# The context suppliers.network_view passes to the template.
CONTRACT = {
    "total",
    "shown_hint",
    "focus",
    "max_tier",
    "data_url",
    "company_name",
    "supplier_url",
    "tier_options",
    "max_nodes",
}
KINDS = SUPPLIER_KINDS  # every kind needs a colour and a legend entry


def _strip_js_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", "", source)


# ---- the vendored library -------------------------------------------------------------------


def test_vendored_files_exist():
    for path in (CYTOSCAPE, LICENSE, PROVENANCE):
        assert path.is_file(), path
    assert CYTOSCAPE.stat().st_size > 100_000  # the real minified build, not a stub


def test_sha256_matches_provenance():
    text = PROVENANCE.read_text(encoding="utf-8")
    recorded = re.findall(r"\b[0-9a-f]{64}\b", text)
    assert recorded, "PROVENANCE.md records no sha256"
    actual = hashlib.sha256(CYTOSCAPE.read_bytes()).hexdigest()
    assert actual in recorded


def test_provenance_names_package_version_source_and_date():
    text = PROVENANCE.read_text(encoding="utf-8")
    version = re.search(r"\b3\.\d+\.\d+\b", text)
    assert version, "no exact 3.x version"
    assert "cytoscape" in text
    assert "npm" in text
    assert f"cytoscape-{version.group(0)}.tgz" in text
    assert "2026-11-23" in text


def test_license_is_mit():
    text = " ".join(LICENSE.read_text(encoding="utf-8").split())
    assert "Permission is hereby granted, free of charge" in text
    assert "The above copyright notice and this permission notice shall be included" in text
    assert "Cytoscape Consortium" in text


def test_minified_build_carries_its_licence_header():
    head = CYTOSCAPE.read_text(encoding="utf-8")[:2000]
    assert "Cytoscape Consortium" in head
    assert "Permission is hereby granted" in head


# ---- our JavaScript -----------------------------------------------------------------------------


def _js_of(path: Path) -> str:
    return _strip_js_comments(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def js() -> str:
    """All our network scripts together, for checks that do not care which file does what."""
    return "\n".join(_js_of(path) for path in NETWORK_JS_FILES)


def test_network_js_files_are_all_listed():
    # A new network-*.js file must be added to NETWORK_JS_FILES (and so to these checks).
    assert sorted(JS_DIR.glob("network*.js")) == sorted(NETWORK_JS_FILES)


@pytest.mark.parametrize("path", NETWORK_JS_FILES, ids=lambda p: p.name)
def test_network_js_file_is_short(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < MAX_JS_LINES, f"{path.name} has {lines} lines"


@pytest.mark.parametrize("path", NETWORK_JS_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "pattern",
    [
        r"\beval\s*\(",
        r"\bnew\s+Function\s*\(",
        r"\.innerHTML\b",
        r"\.outerHTML\b",
        r"insertAdjacentHTML",
        r"document\.write",
        r"setAttribute\(\s*[\"']style",
        r"setAttribute\(\s*[\"']on",
        r"\bsetTimeout\(\s*[\"'`]",
        r"https?://",
    ],
)
def test_network_js_has_no_unsafe_dom_or_remote_code(path, pattern):
    assert not re.search(pattern, _js_of(path)), pattern


def test_network_js_builds_text_with_textcontent(js):
    assert "textContent" in js
    assert "createElement" in js


def test_network_js_fetches_same_origin_and_handles_failure(js):
    assert re.search(r"fetch\([^)]*credentials:\s*\"same-origin\"", js, flags=re.S)
    assert "response.ok" in js
    assert "catch" in js


def test_network_js_reads_the_data_attributes_the_template_sets(js):
    template = TEMPLATE.read_text(encoding="utf-8")
    used = set(re.findall(r"\bdata\.(\w+)", js))
    assert {"url", "supplierUrl", "company", "maxNodes"} <= used
    for name in used:
        attribute = "data-" + re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), name)
        assert f"{attribute}=" in template, attribute


def test_network_js_knows_every_supplier_kind_and_edge_kind(js):
    for kind in KINDS:
        assert f'"{kind}"' in js, kind
    for kind in ("goods", "labour", "services"):
        assert f'"{kind}"' in js, kind


def test_network_js_looks_up_every_element_id_it_needs(js):
    template = TEMPLATE.read_text(encoding="utf-8")
    ids = set(re.findall(r"\$\(\"([\w-]+)\"\)", js)) | set(
        re.findall(r"getElementById\(\"([\w-]+)\"\)", js)
    )
    assert ids
    for element_id in ids:
        assert f'id="{element_id}"' in template, element_id


@pytest.mark.parametrize("path", NETWORK_JS_FILES, ids=lambda p: p.name)
def test_network_js_is_plain_script_without_modules(path):
    source = _js_of(path)
    assert not re.search(r"(?m)^\s*(import|export)\s", source)
    assert "require(" not in source
    # One strict IIFE per file: nothing leaks into the global scope but the shared namespace.
    assert source.lstrip().startswith('(function () {\n  "use strict";')
    assert source.rstrip().endswith("})();")
    assert NAMESPACE in source
    assert set(re.findall(r"\bwindow\.(\w+)\s*=[^=]", source)) <= {"TierlightNetwork"}


def _namespace_names(source: str) -> tuple[set[str], set[str]]:
    """(names a file adds to the namespace N, names it takes from N)."""
    added = set(re.findall(r"\bN\.(\w+)\s*=[^=]", source))
    for block in re.findall(r"Object\.assign\(N,\s*\{(.*?)\}\)", source, flags=re.S):
        added.update(re.findall(r"\w+", block))
    taken = set(re.findall(r"\bN\.(\w+)\b(?!\s*=[^=])", source))
    for block in re.findall(r"const\s*\{(.*?)\}\s*=\s*N;", source, flags=re.S):
        taken.update(re.findall(r"\w+", block))
    return added, taken


def test_network_js_files_use_only_what_earlier_files_add():
    available: set[str] = set()
    for path in NETWORK_JS_FILES:
        source = _js_of(path)
        assert re.search(r"const N = \(?" + re.escape(NAMESPACE), source), path.name
        added, taken = _namespace_names(source)
        # At load time a file can only rely on the files before it (and on what it adds itself).
        missing = taken - available - added
        assert not missing, f"{path.name} takes {sorted(missing)} before any file adds them"
        available |= added
    # The entry point adds nothing: it runs last, so no file could use it.
    assert not _namespace_names(_js_of(NETWORK_JS_FILES[-1]))[0]


# ---- the stylesheet ---------------------------------------------------------------------------


def test_css_defines_a_colour_and_a_legend_swatch_for_every_kind():
    css = NETWORK_CSS.read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"--kind-{kind}:" in css, kind
        assert f".swatch.kind-{kind}" in css, kind
    for kind in ("goods", "services", "labour"):
        assert f".swatch.line.edge-{kind}" in css, kind
    assert "@import" not in css
    assert "url(" not in css


# ---- the template -------------------------------------------------------------------------------


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


@pytest.fixture(scope="module")
def template_text() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tags(template_text) -> _TagCollector:
    # Jinja comments may mention tags in prose; drop them before parsing the markup.
    markup = re.sub(r"\{#.*?#\}", "", template_text, flags=re.S)
    collector = _TagCollector()
    collector.feed(markup)
    return collector


def test_template_extends_base_and_fills_the_blocks(template_text):
    assert template_text.lstrip().startswith('{% extends "base.html" %}')
    for block in ("title", "main_class", "head", "content", "scripts"):
        assert re.search(r"\{%\s*block\s+" + block + r"\s*%\}", template_text), block
    assert re.search(r"\{%\s*block main_class\s*%\}page full\{%\s*endblock", template_text)


def test_template_has_no_inline_script_style_or_handlers(tags, template_text):
    assert not tags.script_text, "inline <script> content"
    for tag, attrs in tags.tags:
        assert tag != "style", "<style> element"
        assert "style" not in attrs, f"style= on <{tag}>"
        for name in attrs:
            assert not name.startswith("on"), f"{name}= on <{tag}>"
        if tag == "script":
            assert attrs.get("src"), "<script> without src"
        href = attrs.get("href") or ""
        assert not href.lower().startswith("javascript:"), href
    assert not re.search(r"\sstyle\s*=", template_text)
    assert not re.search(r"\son[a-z]+\s*=", template_text)


def test_template_loads_only_our_own_assets_in_order(tags):
    sources = [a.get("src") or "" for t, a in tags.tags if t == "script"]
    # The vendored library first, then our files in NETWORK_JS_FILES order, the entry point last.
    expected = ["vendor/cytoscape/cytoscape.min.js"]
    expected += [f"js/{path.name}" for path in NETWORK_JS_FILES]
    assert len(sources) == len(expected)
    for source, name in zip(sources, expected, strict=True):
        assert f"filename='{name}'" in source, (source, name)
    stylesheets = [a.get("href") or "" for t, a in tags.tags if t == "link"]
    assert any("css/network.css" in href for href in stylesheets)
    for url in [*sources, *stylesheets]:
        assert url.startswith("{{ url_for('static'"), url


def test_template_buttons_are_typed_and_inputs_labelled(tags):
    labelled = {a.get("for") for t, a in tags.tags if t == "label"}
    for tag, attrs in tags.tags:
        if tag == "button":
            assert attrs.get("type") in {"button", "submit"}, attrs
        if tag in {"input", "select"} and attrs.get("type") != "hidden":
            assert attrs.get("id") in labelled, attrs


def test_template_links_to_the_supplier_table(template_text):
    assert "url_for('suppliers.index')" in template_text


def test_template_passes_settings_through_data_attributes(tags):
    canvas = [a for t, a in tags.tags if a.get("id") == "network"]
    assert len(canvas) == 1
    attrs = canvas[0]
    assert "network-canvas" in (attrs.get("class") or "")
    assert attrs["data-url"] == "{{ data_url }}"
    assert attrs["data-supplier-url"] == "{{ supplier_url }}"
    assert attrs["data-company"] == "{{ company_name }}"
    assert attrs["data-max-nodes"] == "{{ max_nodes }}"


def test_template_uses_only_the_views_context(template_text):
    body = re.sub(r"\{#.*?#\}", "", template_text, flags=re.S)
    expressions = re.findall(r"\{\{(.*?)\}\}|\{%(.*?)%\}", body, flags=re.S)
    names: set[str] = set()
    for expression in expressions:
        code = " ".join(expression)
        code = re.sub(r"'[^']*'|\"[^\"]*\"", "", code)  # string literals
        code = re.sub(r"\.\w+", "", code)  # attribute access
        code = re.sub(r"\|\s*\w+", "", code)  # filters
        names.update(re.findall(r"\b[a-z_][a-z_0-9]*\b", code))
    keywords = {"block", "endblock", "extends", "if", "elif", "else", "endif", "for", "endfor"}
    keywords |= {"in", "not", "and", "or", "is", "none", "true", "false"}
    helpers = {"url_for", "t", "filename", "tiers"}  # loop variable and keyword arguments
    blocks = {"title", "main_class", "head", "content", "scripts", "page", "full"}
    unknown = names - keywords - helpers - blocks - CONTRACT
    assert not unknown, unknown
    assert {"data_url", "supplier_url", "company_name", "max_nodes", "tier_options"} <= names
