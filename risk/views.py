"""The risk pages: the dashboard (/risk, `risk.dashboard`), and the loaders of the supplier
page's risk panel and of the home dashboard's card.

For compliance and admin users of a buying organisation only. Anyone else signed in (a
supplier organisation, an audit firm, a regulator) gets 404, as for a record of another
tenant: these pages name a buyer's riskiest suppliers, so they do not even admit they exist.

The dashboard reads the precomputed summaries only (risk/dashboard.py); the charts are SVG
drawn on the server (risk/charts.py), so the page needs no script.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.access import roles_required
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.errors import NotFound
from risk import charts
from risk import dashboard as reads
from risk.charts import BAND_LABELS, BAND_RANGES, ScoreBar, StackRow
from risk.weights import BANDS, METHOD_VERSION
from suppliers.countries import country_name

bp = Blueprint("risk", __name__, template_folder="templates")
BUYERS = frozenset({"buyer"})
COUNTRY_CHART_ROWS = 15
STALE_AFTER_DAYS = 2  # a summary older than this gets a note on the dashboard
COUNTRY_SORTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "country": lambda r: r["name"].casefold(),
    "count": lambda r: r["count"],
    "mean": lambda r: r["mean"] if r["mean"] is not None else -1.0,
    "max": lambda r: r["max"] if r["max"] is not None else -1.0,
    "high": lambda r: r["bands"]["high"] + r["bands"]["critical"],
}


def buyer_risk_readers(view: Callable) -> Callable:
    """Compliance and admin of a buyer; other signed-in users get 404, not 403 (see above).
    The anonymous are sent to sign in as everywhere (roles_required does that)."""
    guarded = roles_required(*sorted(NETWORK_EDITORS), org_kinds=BUYERS)(view)

    @functools.wraps(guarded)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_authenticated and not may_read(current_user):
            raise NotFound()
        return guarded(*args, **kwargs)

    return wrapper


def may_read(user: Any) -> bool:
    return user.role in NETWORK_EDITORS and user.organization.kind in BUYERS


@bp.app_template_filter("risk_score")
def _score(value: float | None) -> str:
    return charts.number(value)


@bp.app_template_filter("band_label")
def _band_label(band: str | None) -> str:
    return BAND_LABELS.get(band or "", "Not scored")


@bp.app_template_global("risk_points_bar")
def _points_bar(points: float, largest: float) -> Markup:
    return Markup(charts.points_bar(points, largest))  # noqa: S704 - numbers only


@bp.app_template_global("risk_bands")
def _risk_bands() -> list[dict[str, str]]:
    """The bands, lowest first, with their label and score range (for legends)."""
    return [{"band": b, "label": BAND_LABELS[b], "range": BAND_RANGES[b]} for b in BANDS]


def _tier_label(tier: int | None) -> str:
    return f"Tier {tier}" if tier else "Not connected"


def _country_rows(summary: reads.Summary) -> list[dict[str, Any]]:
    return [{**r, "name": country_name(r["country"]) if r["country"] else "Unknown"}
            for r in summary.by_country]


def _sorted_countries(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    sort = (request.args.get("sort") or "-mean").strip()
    if sort.lstrip("-") not in COUNTRY_SORTS:
        flash(f'Sort: "{sort[:40]}" is not one of {", ".join(COUNTRY_SORTS)}.', "error")
        sort = "-mean"
    key = COUNTRY_SORTS[sort.lstrip("-")]
    # Ties in the name order, so the table reads the same on every load.
    rows = sorted(rows, key=lambda r: r["name"].casefold())
    return sorted(rows, key=key, reverse=sort.startswith("-")), sort


def _charts(summary: reads.Summary, points: list[reads.TrendPoint],
            countries: list[dict[str, Any]]) -> dict[str, Markup]:
    bands = charts.band_bars(summary.bands, hrefs={
        b: url_for("suppliers.index", band=b) for b in BANDS})
    mean = charts.trend_line([(p.day, p.mean) for p in points if p.mean is not None],
                             title="Mean score per day", y_max=100, zones=True)
    high = charts.trend_line([(p.day, p.high_or_critical) for p in points],
                             title="Suppliers scored high or critical per day",
                             unit="suppliers", digits=0)
    tiers = charts.stacked_bars([
        StackRow(_tier_label(r["tier"]), r["count"], r["bands"], key=str(r["tier"] or "none"),
                 href=url_for("suppliers.index", tier=r["tier"] or "none"))
        for r in summary.by_tier], title="Suppliers by tier and band")
    ranked = sorted((r for r in countries if r["mean"] is not None),
                    key=lambda r: (-r["mean"], r["name"].casefold()))[:COUNTRY_CHART_ROWS]
    by_country = charts.score_bars([
        ScoreBar(r["name"], r["mean"], note=f"{r['count']:,} suppliers", key=r["country"],
                 href=url_for("suppliers.index", country=r["country"]) if r["country"] else None)
        for r in ranked], title="Countries by mean score")
    # The charts escape every text they draw (risk/charts.py), so their markup is safe.
    return {name: Markup(svg) for name, svg in (  # noqa: S704
        ("bands", bands), ("mean", mean), ("high", high), ("tiers", tiers),
        ("countries", by_country))}


@bp.get("/risk")
@buyer_risk_readers
def dashboard():
    db = get_session()
    summary = reads.latest_summary(db, current_user.org_id)
    if summary is None:
        return render_template("risk/dashboard.html", summary=None,
                               method_version=METHOD_VERSION)
    points = reads.trend(db, current_user.org_id, summary.day)
    countries = _country_rows(summary)
    table, sort = _sorted_countries(countries)
    age = (datetime.now(UTC).date() - summary.day).days
    return render_template(
        "risk/dashboard.html", summary=summary, charts=_charts(summary, points, countries),
        countries=table, sort=sort, trend_days=len(points), stale=age >= STALE_AFTER_DAYS,
        tier_label=_tier_label, method_version=METHOD_VERSION,
        share={b: (100 * n / summary.scored if summary.scored else 0.0)
               for b, n in summary.bands.items()},
    )


# --- the supplier page's panel and the home dashboard's card (registered in risk/shell.py) ----


def panel(session, user, supplier) -> dict[str, Any] | None:
    if not may_read(user) or supplier.org_id != user.org_id:
        return None
    return reads.supplier_panel(session, user.org_id, supplier.id)


def card(session, user) -> list[dict[str, Any]]:
    if not may_read(user):
        return []
    counts = reads.band_counts(session, user.org_id)
    if counts is None:
        return [{"label": "Risk has not been computed yet", "value": "—",
                 "href": url_for("risk.dashboard")}]
    items: list[dict[str, Any]] = [
        {"label": f"{BAND_LABELS[b].lower()} risk", "value": counts["bands"][b],
         "band": b, "href": url_for("suppliers.index", band=b)} for b in reversed(BANDS)]
    unscored = max(counts["suppliers"] - counts["scored"], 0)
    if unscored:
        items.append({"label": "not scored yet", "value": unscored,
                      "href": url_for("risk.dashboard")})
    return items
