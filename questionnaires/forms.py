"""Forms of the buyer's questionnaire pages. They carry values; the services validate them
(one rule set for the pages and the API) and report errors against each field."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.db import utcnow

DEFAULT_DUE_DAYS = 30


def default_due():
    return utcnow().date() + timedelta(days=DEFAULT_DUE_DAYS)


class SendForm(FlaskForm):
    template = SelectField("Questionnaire", choices=[])
    due_date = DateField("Due date", default=default_due, validators=[Optional()])
    email = EmailField(
        "Contact email (optional)", validators=[Optional(), Length(max=254)],
        description="Leave empty to send each supplier's invitation to its own contact "
                    "(or, for a connected supplier, to its administrator). An address here "
                    "overrides every supplier's contact for this sending.",
    )
    message = TextAreaField("Message to the suppliers (optional)",
                            validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, templates: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.template.choices = list(templates)


class ReturnForm(FlaskForm):
    comment = TextAreaField("Comment for the supplier", validators=[Length(max=4000)],
                            description="Say what to change or add; the supplier sees this.")


class NewLinkForm(FlaskForm):
    email = StringField("Send it to (optional)", validators=[Optional(), Length(max=254)],
                        description="Leave empty to use the current contact address.")


class ConfirmForm(FlaskForm):
    pass
