"""What the risk page tests share: signing in, the page's words, its charts parsed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

from defusedxml.ElementTree import fromstring  # xml.etree's parser, without entities

from tests.conftest import login

NOT_COMPUTED = "Risk has not been computed yet: run <code>flask risk recompute</code> or wait " \
               "for the queue."


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def svgs(html: str) -> dict[str, ET.Element]:
    """The page's charts by their kind (r-bands, r-trend, ...); trends as r-trend, r-trend2."""
    found: dict[str, ET.Element] = {}
    for svg in re.findall(r"<svg class=\"r-chart.*?</svg>", html, re.S):
        root = fromstring(svg)
        kind = root.get("class").split()[1]
        key = kind if kind not in found else f"{kind}2"
        found[key] = root
    return found


def marks(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def words(html: str) -> str:
    """The words of `html` as read: tags dropped, spaces collapsed, none before punctuation."""
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return re.sub(r" ([,.:;)])", r"\1", text)
