"""Supplier pages: list, detail, forms, relationships, import with progress, network view."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from app.access import roles_required
from app.api import int_arg, page_of
from app.auth.roles import NETWORK_EDITORS
from app.db import get_session
from app.errors import AppError, Conflict, ValidationFailed
from app.registry import panels_for, registry
from app.tenancy import get_owned
from app.uploads import kept_file
from suppliers import jobs, queries, services
from suppliers.api import export_response, template_response
from suppliers.connections import connection
from suppliers.countries import country_choices, country_name
from suppliers.forms import ConfirmForm, ContactForm, ImportForm, RelationshipForm, SupplierForm
from suppliers.kinds import KIND_LABELS, SUPPLIER_KINDS
from suppliers.models import RISK_BANDS, ImportJob, Relationship, Supplier
from suppliers.queries_duplicates import open_count

bp = Blueprint("suppliers", __name__, template_folder="templates")
editors = roles_required(*sorted(NETWORK_EDITORS), org_kinds=("buyer",))
PER_PAGE = 50
MAX_DRAWN_NODES = 1500
NETWORK_COLOURS = ("kind", "tier", "risk")


@bp.app_template_filter("country")
def _country(code: str | None) -> str:
    return country_name(code) if code else "—"


@bp.app_template_filter("kind_label")
def _kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", kind or "—")


def _org() -> int:
    return current_user.org_id


@bp.get("/suppliers")
@editors
def index():
    db = get_session()
    try:
        filters = queries.parse_filters(request.args)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        filters = queries.SupplierFilters()
    archived = request.args.get("archived", "") in ("1", "true", "yes")
    stmt = queries.supplier_query(_org(), filters, archived=archived)
    page = int_arg(request.args, "page", 1)
    suppliers, total = page_of(db, stmt, page, PER_PAGE)
    return render_template(
        "suppliers/index.html", suppliers=suppliers, filters=filters, total=total, page=page,
        archived=archived,
        per_page=PER_PAGE, kinds=SUPPLIER_KINDS, countries=country_choices(),
        risk_bands=RISK_BANDS,
        stats=queries.counts(db, _org()), duplicate_count=open_count(db, _org()),
    )


def _apply_errors(form, exc: AppError) -> None:
    for detail in exc.details:
        field = getattr(form, detail.get("field") or "", None)
        if field is not None:
            field.errors = [*field.errors, detail["message"]]
    flash(exc.message, "error")


@bp.route("/suppliers/new", methods=["GET", "POST"])
@editors
def create():
    form = SupplierForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            supplier = services.create_supplier(
                db, org_id=_org(), actor=current_user, values=form.values()
            )
        except AppError as exc:
            _apply_errors(form, exc)
        else:
            db.commit()
            flash(f"{supplier.name} added.", "success")
            return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return render_template("suppliers/form.html", form=form, supplier=None)


@bp.get("/suppliers/<int:supplier_id>")
@editors
def detail(supplier_id: int, contact_form: ContactForm | None = None, status: int = 200):
    db = get_session()
    page = queries.supplier_page(db, _org(), supplier_id)
    state = connection(db, page.supplier)
    if contact_form is None:
        contact_form = ContactForm(formdata=None, email=state.email or "")
    return render_template(
        "suppliers/detail.html", page=page, supplier=page.supplier,
        panels=panels_for(db, current_user, page.supplier),
        rel_form=RelationshipForm(), confirm=ConfirmForm(), connection=state,
        contact_form=contact_form,
    ), status


@bp.route("/suppliers/<int:supplier_id>/edit", methods=["GET", "POST"])
@editors
def edit(supplier_id: int):
    db = get_session()
    supplier = get_owned(db, Supplier, supplier_id, _org())
    form = SupplierForm(obj=supplier)
    if request.method == "GET":
        form.products.data = "; ".join(supplier.products or [])
        form.version.data = str(supplier.version)
    if form.validate_on_submit():
        raw_version = str(form.version.data or "")
        # isascii: "²".isdigit() is true and int("²") fails; a forged version is just stale.
        version = int(raw_version) if raw_version.isascii() and raw_version.isdigit() \
            and len(raw_version) < 10 else None
        try:
            services.update_supplier(
                db, supplier, actor=current_user, values=form.values(), expected_version=version
            )
            db.commit()
        except AppError as exc:
            db.rollback()
            _apply_errors(form, exc)
        except StaleDataError:
            db.rollback()
            flash("Someone else saved this supplier at the same moment. Reload and retry.",
                  "error")
        else:
            flash("Changes saved.", "success")
            return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return render_template("suppliers/form.html", form=form, supplier=supplier)


@bp.route("/suppliers/<int:supplier_id>/delete", methods=["GET", "POST"])
@editors
def delete(supplier_id: int):
    """Archive the supplier (suppliers are archived, not deleted: see services.suppliers)."""
    db = get_session()
    supplier = get_owned(db, Supplier, supplier_id, _org())
    form = ConfirmForm()
    if form.validate_on_submit():
        services.archive_supplier(db, supplier, actor=current_user)
        db.commit()
        flash(f"{supplier.name} was archived. Restore it from the archived suppliers.", "info")
        return redirect(url_for("suppliers.index"))
    edges = queries.relationship_count(db, _org(), supplier.id)
    return render_template("suppliers/delete.html", supplier=supplier, form=form, edges=edges)


@bp.route("/suppliers/<int:supplier_id>/restore", methods=["GET", "POST"])
@editors
def restore(supplier_id: int):
    db = get_session()
    supplier = get_owned(db, Supplier, supplier_id, _org())
    form = ConfirmForm()
    if form.validate_on_submit():
        services.restore_supplier(db, supplier, actor=current_user)
        db.commit()
        flash(f"{supplier.name} was restored, with its relationships.", "success")
        return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return render_template("suppliers/restore.html", supplier=supplier, form=form)


@bp.route("/suppliers/<int:supplier_id>/purge", methods=["GET", "POST"])
@roles_required("admin", org_kinds=("buyer",))
def purge(supplier_id: int):
    """Delete an archived supplier for good; refused (409) while records point at it."""
    db = get_session()
    supplier = get_owned(db, Supplier, supplier_id, _org())
    counters = registry().reference_counters
    form = ConfirmForm()
    status = 200
    if form.validate_on_submit():
        name = supplier.name
        try:
            services.purge_supplier(db, supplier, actor=current_user, counters=counters)
        except Conflict as exc:
            db.rollback()
            flash(exc.message, "error")
            status = 409
        else:
            db.commit()
            flash(f"{name} was purged.", "info")
            return redirect(url_for("suppliers.index", archived=1))
    pointing = services.references(db, supplier, counters)
    return render_template(
        "suppliers/purge.html", supplier=supplier, form=form, pointing=pointing
    ), status


def _resolve(db, text: str) -> Supplier | None:
    """A supplier by external ID or exact name, for the relationship form."""
    text = text.strip()
    if not text:
        return None
    live = (Supplier.org_id == _org(), Supplier.archived_at.is_(None))
    found = db.scalars(select(Supplier).where(*live, Supplier.external_id == text)).first()
    if found:
        return found
    matches = db.scalars(select(Supplier).where(
        *live, Supplier.name_key == text.casefold()).limit(2)).all()
    if len(matches) == 1:
        return matches[0]
    problem = (
        "matches several suppliers; use the external ID" if matches
        else "is not in your network"
    )
    raise ValidationFailed(f'"{text}" {problem}.', [{"field": "other", "message": problem}])


@bp.post("/suppliers/<int:supplier_id>/relationships")
@editors
def add_relationship(supplier_id: int):
    db = get_session()
    supplier = get_owned(db, Supplier, supplier_id, _org())
    form = RelationshipForm()
    try:
        if not form.validate():
            raise ValidationFailed("Check the relationship form.")
        other = _resolve(db, form.other.data or "")
        if form.direction.data == "supplier":
            if other is None:
                raise ValidationFailed("Name the supplier this one buys from.")
            source, target = other.id, supplier.id
        else:
            source, target = supplier.id, other.id if other else None
        services.add_relationship(
            db, org_id=_org(), actor=current_user, supplier_id=source, customer_id=target,
            kind=form.kind.data, product=form.product.data,
        )
        db.commit()
        flash("Relationship added.", "success")
    except AppError as exc:
        db.rollback()
        flash(exc.message, "error")
    return redirect(url_for("suppliers.detail", supplier_id=supplier.id))


@bp.post("/relationships/<int:relationship_id>/delete")
@editors
def delete_relationship(relationship_id: int):
    db = get_session()
    rel = get_owned(db, Relationship, relationship_id, _org())
    back = request.form.get("back", type=int) or rel.supplier_id
    services.remove_relationship(db, rel, actor=current_user)
    db.commit()
    flash("Relationship removed.", "info")
    return redirect(url_for("suppliers.detail", supplier_id=back))


@bp.route("/suppliers/import", methods=["GET", "POST"])
@editors
def import_page():
    form = ImportForm()
    db = get_session()
    if form.validate_on_submit():
        with kept_file() as (path, filename):
            try:
                imp = jobs.start_import(db, org_id=_org(), actor=current_user, path=path,
                                        filename=filename, dry_run=bool(form.dry_run.data))
                db.commit()  # queues the job
            except BaseException:
                Path(path).unlink(missing_ok=True)  # no job will ever read it
                raise
        return redirect(url_for("suppliers.import_job", import_id=imp.id))
    recent = db.scalars(
        select(ImportJob).where(ImportJob.org_id == _org())
        .order_by(ImportJob.id.desc()).limit(10)
    ).all()
    return render_template("suppliers/import.html", form=form, recent=recent)


@bp.get("/suppliers/imports/<int:import_id>")
@editors
def import_job(import_id: int):
    imp = get_owned(get_session(), ImportJob, import_id, _org())
    return render_template("suppliers/import_job.html", job=imp, queue_job=imp.job)


@bp.get("/suppliers/imports/<int:import_id>/status")
@editors
def import_status(import_id: int):
    imp = get_owned(get_session(), ImportJob, import_id, _org())
    return jsonify(status=imp.status, rows_read=imp.rows_read, rows_total=imp.rows_total,
                   finished=imp.finished, message=imp.message, job_id=imp.job_id)


@bp.get("/suppliers/import-template.xlsx")
@editors
def template_download():
    return template_response()


@bp.get("/suppliers/export")
@editors
def export():
    return export_response(request.args.get("format", "xlsx"))


@bp.get("/suppliers/loops")
@editors
def loops():
    return render_template("suppliers/loops.html", loops=queries.loops(get_session(), _org()))


@bp.get("/suppliers/network")
@editors
def network_view():
    db = get_session()
    total = db.scalar(select(func.count(Supplier.id)).where(
        Supplier.org_id == _org(), Supplier.archived_at.is_(None))) or 0
    focus_id = int_arg(request.args, "focus")
    focus = get_owned(db, Supplier, focus_id, _org()) if focus_id else None
    max_tier = int_arg(request.args, "tiers")
    # The "Colour by" mode to start with (the risk pages link here with colour=risk).
    colour = request.args.get("colour", "")
    colour = colour if colour in NETWORK_COLOURS else "kind"
    deepest = db.scalar(select(func.max(Supplier.tier)).where(Supplier.org_id == _org())) or 1
    hint = ""
    if focus is not None:
        data_url = url_for("suppliers_api.upstream", supplier_id=focus.id)
        hint = f"Showing {focus.name} and everything upstream of it."
    else:
        limit = None
        if max_tier is None and total > MAX_DRAWN_NODES:
            max_tier, fits = _tiers_that_fit(db)
            limit = None if fits else MAX_DRAWN_NODES
        data_url = url_for("suppliers_api.network", max_tier=max_tier, limit=limit)
        if limit is not None:
            hint = (f"Tier 1 alone has more suppliers than a diagram can show: showing the "
                    f"{limit:,} with the largest workforce of {total:,} suppliers. Focus on a "
                    "supplier to see everything upstream of it.")
        elif max_tier is not None:
            hint = (f"Showing tiers 1–{max_tier} of {total:,} suppliers. Focus on a supplier "
                    "to see everything upstream of it.")
    return render_template(
        "suppliers/network.html", total=total, focus=focus, max_tier=max_tier,
        data_url=data_url, shown_hint=hint, company_name=current_user.org.name,
        supplier_url=url_for("suppliers.detail", supplier_id=0),
        tier_options=list(range(1, max(deepest, 1) + 1)), max_nodes=MAX_DRAWN_NODES,
        colour=colour,
    )


def _tiers_that_fit(db) -> tuple[int, bool]:
    """The deepest tier whose suppliers, with all nearer tiers, can be drawn (and whether
    even tier 1 fits)."""
    per_tier = db.execute(
        select(Supplier.tier, func.count(Supplier.id))
        .where(Supplier.org_id == _org(), Supplier.tier.is_not(None))
        .group_by(Supplier.tier).order_by(Supplier.tier)
    ).all()
    shown, fit, fits = 0, 1, False
    for tier, count in per_tier:
        shown += count
        if shown > MAX_DRAWN_NODES:
            break
        fit, fits = tier, True
    return fit, fits
