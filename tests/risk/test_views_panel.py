"""The supplier page's risk panel (factors, evidence links, inherited path, what would lower
the score, editions), the supplier list's band filter and the network page's colouring."""

from __future__ import annotations

import re

from questionnaires.models import Signal
from tests.audits.factories import make_audit, make_fee, make_finding
from tests.factories import make_org, make_user
from tests.questionnaires.factories import make_assignment
from tests.risk.page_helpers import NOT_COMPUTED, signed_in, words
from tests.risk.risk_factories import factor, make_edition, make_score
from tests.suppliers.factories import link, make_supplier

# --- the supplier panel ----------------------------------------------------------------------


def _scene(db, buyer):
    """A Chinese gin supplying a mill supplying the company; the mill inherits from the gin,
    and its own factors cite every kind of evidence."""
    gin = make_supplier(db, buyer, name="Kashgar Cotton Gin", country="CN", kind="processor")
    mill = make_supplier(db, buyer, name="Anhui Spinning Mill", country="CN")
    link(db, buyer, gin, mill)
    link(db, buyer, mill)
    ilab = make_edition(db, buyer)
    tip = make_edition(db, buyer, dataset="tip_tiers", edition="2025",
                       title="US TIP report, 2001-2025", superseded=True)
    audit = make_audit(db, buyer, supplier=mill, status="accepted")
    finding = make_finding(db, audit, code="F-007", severity="critical")
    fee = make_fee(db, mill)
    assignment, _token = make_assignment(db, buyer, mill, status="submitted")
    signal = Signal(org_id=buyer.id, assignment_id=assignment.id, supplier_id=mill.id,
                    indicator="FL07", strength="strong", weight=1.0, question="R12",
                    answer="yes")
    db.add(signal)
    db.flush()
    other = make_org(db, "buyer")
    stranger = make_finding(db, make_audit(db, other))
    evidence = {
        "goods": [{"kind": "dataset", "id": ilab.id, "row": 57,
                   "text": "Cotton, China: forced labour"}],
        "audit_findings": [{"kind": "finding", "id": finding.id,
                            "text": "F-007 critical: passports held"},
                           {"kind": "audit", "id": audit.id, "text": "RBA audit, 2 Nov 2026"},
                           {"kind": "finding", "id": stranger.id, "text": "Not ours"}],
        "recruitment_fees": [{"kind": "fee", "id": fee.id, "text": "10 workers owe 3.5 months"}],
        "questionnaire_signals": [{"kind": "assignment", "id": assignment.id,
                                   "text": "FL09 strong: workers paid fees"},
                                  {"kind": "signal", "id": signal.id,
                                   "text": "FL07 strong: passports kept by the employer"}],
        "profile_intermediary": [{"kind": "supplier", "id": gin.id, "text": "Supplied by"}],
        "grievances": [{"kind": "grievance", "id": 4, "text": "Case 4: wages withheld"}],
    }
    factors = [
        factor("goods", 30.0, evidence["goods"], label="Goods on the ILAB list"),
        factor("audit_findings", 25.0, evidence["audit_findings"], label="Open audit findings",
               lower="Verify the remediation of finding F-007", lowers_by=25.0),
        factor("recruitment_fees", 12.0, evidence["recruitment_fees"],
               label="Unpaid recruitment fees", lower="Repay the workers' fees", lowers_by=12.0),
        factor("questionnaire_signals", 8.0, evidence["questionnaire_signals"],
               label="Questionnaire signals"),
        factor("profile_intermediary", 2.0, evidence["profile_intermediary"],
               label="Labour intermediary"),
        factor("grievances", 1.0, evidence["grievances"], label="Grievances"),
        factor("country_rights", 0.0, label="Country: workers' rights"),
    ]
    make_score(db, gin, 88.0, factors=[factor("goods", 88.0, label="Goods on the ILAB list")])
    score = make_score(db, mill, 70.4, own=64.0, inherited=70.4, inherited_from=gin,
                       path=[gin.id, mill.id], factors=factors,
                       editions={"ilab_goods": ilab.id, "tip_tiers": tip.id})
    return {"gin": gin, "mill": mill, "finding": finding, "audit": audit, "fee": fee,
            "assignment": assignment, "stranger": stranger, "score": score}


def _panel(html: str) -> str:
    return html.split("<h2>Risk</h2>")[1].split("</section>")[0]


def test_the_panel_explains_the_score_with_linked_evidence(app, db, buyer, compliance_user):
    s = _scene(db, buyer)
    db.commit()
    html = signed_in(app, compliance_user).get(f"/suppliers/{s['mill'].id}").text
    panel = _panel(html)
    text = words(panel)
    assert "70.4" in text and "High" in text
    assert "Own score 64.0" in text and "Inherited 70.4 from Kashgar Cotton Gin, 1 tier " \
                                         "upstream sets the score" in text
    # Factors, highest first, with their points.
    rows = re.findall(r'<tr data-factor="(\w+)">\s*<td>[^<]+</td>\s*<td class="num"><strong>'
                      r"\+([\d.]+)</strong>", panel)
    assert rows == [("goods", "30.0"), ("audit_findings", "25.0"), ("recruitment_fees", "12.0"),
                    ("questionnaire_signals", "8.0"), ("profile_intermediary", "2.0"),
                    ("grievances", "1.0")]
    assert "1 factor checked without points" in text and "Country: workers' rights" in text
    # Evidence links, each to its page.
    assert f'<a href="/findings/{s["finding"].id}">F-007 critical: passports held</a>' in panel
    assert f'<a href="/audits/{s["audit"].id}">RBA audit, 2 Nov 2026</a>' in panel
    assert f'<a href="/suppliers/{s["mill"].id}/fees">10 workers owe 3.5 months</a>' in panel
    assert (f'<a href="/questionnaires/assignments/{s["assignment"].id}">FL09 strong: workers '
            "paid fees</a>") in panel
    assert (f'<a href="/questionnaires/assignments/{s["assignment"].id}">FL07 strong: '
            "passports kept by the employer</a>") in panel  # a signal opens its assignment
    assert f'<a href="/suppliers/{s["gin"].id}">Supplied by</a>' in panel
    # a data-set row opens the edition's page at that row
    assert "ILAB List of Goods 2022, row 57</span>: <a href=\"/risk/reference/" in panel
    assert "#row-57\">Cotton, China: forced labour</a>" in panel
    # Evidence without a page of ours stays text: a grievance, another tenant's finding.
    assert "Case 4: wages withheld" in panel and "/grievances" not in panel
    assert "Not ours" in panel and f"/findings/{s['stranger'].id}" not in panel
    # The inherited path, as named suppliers.
    path = panel.split('class="r-path"')[1].split("</ol>")[0]
    assert re.findall(r"<li>(.*?)</li>", path) == [
        f'<a href="/suppliers/{s["gin"].id}">Kashgar Cotton Gin</a>',
        "<strong>Anhui Spinning Mill</strong>"]
    # What would lower it, the largest drop first.
    lower = panel.split('<ul class="r-lower">')[1].split("</ul>")[0]
    assert [words(li).strip() for li in re.findall(r"<li>(.*?)</li>", lower)] == [
        "Verify the remediation of finding F-007 (Open audit findings: −25.0 points)",
        "Repay the workers' fees (Unpaid recruitment fees: −12.0 points)"]
    # Method and editions, the superseded one marked.
    assert s["score"].method_version in text
    assert "ILAB List of Goods 2022 retrieved 03 Nov 2026" in text
    assert "US TIP report, 2001-2025 retrieved" in text  # the title names its edition
    assert "a newer edition has been loaded since" in text
    assert 'href="/suppliers/network?focus=' in panel and "colour=risk" in panel


def test_the_panel_before_any_recompute(app, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer)
    db.commit()
    page = signed_in(app, compliance_user).get(f"/suppliers/{supplier.id}")
    assert page.status_code == 200
    assert NOT_COMPUTED in _panel(page.text)


def test_a_supplier_without_an_inheritance_or_a_remedy(app, db, buyer, compliance_user):
    supplier = make_supplier(db, buyer, name="Stuttgart Machine Parts", country="DE")
    make_score(db, supplier, 4.0, factors=[factor("country_rights", 0.0)])
    db.commit()
    panel = _panel(signed_in(app, compliance_user).get(f"/suppliers/{supplier.id}").text)
    text = words(panel)
    assert "4.0" in text and "Low" in text
    assert "nothing: no upstream supplier raises it" in text
    assert "Own score 4.0 from this supplier's own factors sets the score" in text
    assert "No factor adds points" in text and "Nothing this supplier can change" in text
    assert "r-path" not in panel


def test_the_panel_loader_refuses_another_org_and_other_roles(app, db, buyer, compliance_user):
    from risk.views import panel

    s = _scene(db, buyer)
    stranger = make_user(db, make_org(db, "buyer"), "compliance")
    supplier_person = make_user(db, make_org(db, "supplier"), "admin")
    with app.test_request_context():
        assert panel(db, stranger, s["mill"]) is None
        assert panel(db, supplier_person, s["mill"]) is None
        assert panel(db, compliance_user, s["mill"])["score"].id == s["score"].id


# --- the supplier list's band filter and the network's colouring -----------------------------


def test_the_supplier_list_filters_and_sorts_by_band(app, db, buyer, compliance_user):
    names = {"Low Ltd": 10.0, "Mid Ltd": 30.0, "High Ltd": 60.0, "Top Ltd": 90.0}
    for name, score in names.items():
        make_score(db, make_supplier(db, buyer, name=name), score)
    make_supplier(db, buyer, name="Unscored Ltd")
    db.commit()
    client = signed_in(app, compliance_user)
    page = client.get("/suppliers")
    select = page.text.split('<select id="band" name="band">')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w*)"', select) == ["", "low", "medium", "high",
                                                            "critical"]
    high = client.get("/suppliers?band=high").text
    assert "High Ltd" in high and not any(n in high for n in ("Low Ltd", "Mid Ltd", "Top Ltd"))
    assert '<option value="high" selected>' in high
    assert '<span class="badge band-high" title="High risk">High · 60.0</span>' in high
    ranked = client.get("/suppliers?sort=-risk").text
    order = [n for n in re.findall(r">(\w+ Ltd)</a>", ranked)]
    assert order == ["Top Ltd", "High Ltd", "Mid Ltd", "Low Ltd", "Unscored Ltd"]
    bad = client.get("/suppliers?band=purple")
    assert bad.status_code == 200 and "band is one of low, medium, high, critical." in bad.text


def test_the_network_page_starts_in_the_colouring_asked_for(app, db, compliance_user):
    client = signed_in(app, compliance_user)
    risk = client.get("/suppliers/network?colour=risk").text
    assert '<option value="risk" disabled selected>' in risk
    assert 'id="network-colour-kept" value="risk"' in risk
    odd = client.get("/suppliers/network?colour=%3Cx%3E").text
    assert '<option value="kind" selected>' in odd and 'value="kind"' in odd
