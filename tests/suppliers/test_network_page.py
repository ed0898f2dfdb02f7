"""Static checks of the supplier network page's vendored library (no app, no browser).

The vendored Cytoscape.js must match its PROVENANCE.md and ship its MIT licence, and our scripts
stay short. What the page's scripts do (colours, shapes, tier columns, focus, large networks,
failures, text kept as text, no inline code under the CSP) is checked by driving the real page in
Chromium: tests/browser/test_network_page.py and test_network_journey.py.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "app" / "static" / "vendor" / "cytoscape"
CYTOSCAPE = VENDOR / "cytoscape.min.js"
LICENSE = VENDOR / "LICENSE"
PROVENANCE = VENDOR / "PROVENANCE.md"
NETWORK_JS_FILES = sorted((ROOT / "app" / "static" / "js").glob("network*.js"))
MAX_JS_LINES = 450


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


# ---- our JavaScript: what it does is checked in the browser (tests/browser/test_network_page.py)


@pytest.mark.parametrize("path", NETWORK_JS_FILES, ids=lambda p: p.name)
def test_network_js_file_is_short(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < MAX_JS_LINES, f"{path.name} has {lines} lines"
