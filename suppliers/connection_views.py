"""Supplier connection pages (HTML), on the suppliers blueprint.

The buyer invites, revokes and disconnects from the Connection box of the supplier page; the
supplier's contact accepts at /connect/<token> (a new account and organisation, or, signed in
to a supplier organisation, that one); a supplier organisation's people see the buyers
connected to it at /connections, and nothing else of them.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import public, roles_required
from app.db import get_session
from app.errors import AppError, Conflict, NotFound, ValidationFailed
from app.people.services import accept_invitation, open_invitation
from app.people.views import _form_errors, _reset_limit
from app.security import limiter
from app.tenancy import get_owned
from suppliers import services
from suppliers.api import connection_link
from suppliers.connections import (
    PURPOSE,
    connected_buyers,
    connection,
    has_account,
    invited_record,
)
from suppliers.forms import ConfirmForm, ConnectAccountForm, ContactForm
from suppliers.models import Supplier
from suppliers.services.connection import CONNECTOR_ROLES
from suppliers.views import _apply_errors, bp, detail, editors

CANNOT_USE = "This invitation cannot be used"


def _back(supplier_id: int):
    return redirect(url_for("suppliers.detail", supplier_id=supplier_id, _anchor="connection"))


@bp.post("/suppliers/<int:supplier_id>/connection")
@editors
def invite_contact(supplier_id: int):
    """Invite (or invite again) the supplier's contact to connect."""
    db = get_session()
    supplier = get_owned(db, Supplier, supplier_id, current_user.org_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return detail(supplier.id, form, 422)
    try:
        invitation = services.invite_contact(
            db, supplier=supplier, actor=current_user, email=form.email.data,
            link_for=connection_link,
        )
    except (ValidationFailed, Conflict) as exc:
        db.rollback()
        _apply_errors(form, exc)
        return detail(supplier_id, form, exc.status)
    db.commit()
    flash(f"Invitation sent to {invitation.email}; the link is valid for 7 days.", "success")
    return _back(supplier.id)


@bp.post("/suppliers/<int:supplier_id>/connection/revoke")
@editors
def revoke_contact_invitation(supplier_id: int):
    db = get_session()
    supplier = get_owned(db, Supplier, supplier_id, current_user.org_id)
    ConfirmForm()  # CSRF is checked globally; the form renders the token
    invitation = services.revoke_contact_invitation(db, supplier=supplier, actor=current_user)
    db.commit()
    flash(f"The invitation to {invitation.email} no longer works.", "info")
    return _back(supplier.id)


@bp.route("/suppliers/<int:supplier_id>/disconnect", methods=["GET", "POST"])
@editors
def disconnect(supplier_id: int):
    """Confirm, then disconnect the supplier organisation from this record."""
    db = get_session()
    supplier = get_owned(db, Supplier, supplier_id, current_user.org_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = supplier.linked_org.name if supplier.linked_org else ""
        services.disconnect(db, supplier=supplier, actor=current_user)
        db.commit()
        flash(f"{supplier.name} is no longer connected to {name}.", "info")
        return _back(supplier.id)
    state = connection(db, supplier)
    if state.status != "connected":
        flash(f"{supplier.name} is not connected.", "info")
        return _back(supplier.id)
    return render_template("suppliers/disconnect.html", supplier=supplier, form=form,
                           connection=state)


@bp.get("/connections")
@roles_required(*sorted(CONNECTOR_ROLES), org_kinds=("supplier",))
def connections():
    """The buyers connected to the user's supplier organisation: names and dates only."""
    return render_template("suppliers/connections.html",
                           buyers=connected_buyers(get_session(), current_user))


def _problem(message: str, status: int):
    return render_template("people/link_problem.html", title=CANNOT_USE,
                           message=message), status


@bp.route("/connect/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@public
def connect(token: str):
    """The link of a connection invitation: connect with a new account, or signed in."""
    db = get_session()
    try:
        invitation = open_invitation(db, token)
        if invitation.purpose != PURPOSE:
            raise NotFound("This link is not an invitation to connect a supplier.")
    except NotFound as exc:
        return _problem(exc.message, 404)
    supplier = invited_record(db, invitation)
    if supplier is None:
        return _problem(f"{invitation.organization.name} no longer keeps the supplier record "
                        "this invitation was for.", 404)
    signed_in = current_user if current_user.is_authenticated else None
    if request.method == "POST" and request.form.get("action") == "connect":
        if signed_in is None:
            return redirect(url_for("auth.login", next=request.path))
        try:
            services.accept_connection_signed_in(db, token, user=current_user)
        except AppError as exc:
            db.rollback()
            return _problem(exc.message, exc.status)
        db.commit()
        flash(f"{current_user.org.name} is connected to {invitation.organization.name}.",
              "success")
        return redirect(url_for("suppliers.connections"))
    form = ConnectAccountForm(organization=supplier.name[:200])
    status = 200
    if form.validate_on_submit():
        try:
            user = accept_invitation(
                db, token, name=form.name.data, password=form.password.data,
                fast_hash=bool(current_app.config["PASSWORD_HASH_FAST"]),
                answers={"organization": form.organization.data},
            )
        except (ValidationFailed, Conflict) as exc:
            db.rollback()
            if isinstance(exc, Conflict) and not exc.details:
                return _problem(exc.message, exc.status)  # e.g. the address has an account
            _form_errors(form, exc)
            status = exc.status
        except NotFound as exc:
            db.rollback()
            return _problem(exc.message, 404)
        else:
            db.commit()
            flash(f"Welcome to Tierlight: {user.org.name} is connected to "
                  f"{invitation.organization.name}. Sign in with {user.email}.", "success")
            return redirect(url_for("auth.login"))
    return render_template(
        "suppliers/connect.html", invitation=invitation, buyer=invitation.organization.name,
        supplier_name=supplier.name, form=form, signed_in=signed_in,
        can_connect=signed_in is not None and services.can_connect(signed_in),
        account_exists=has_account(db, invitation.email),
    ), status
