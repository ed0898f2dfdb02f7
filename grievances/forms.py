"""Forms of the case pages. They carry values; the services validate them (one rule set for the
pages and the API) and their errors go back on the form's fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from grievances.services.intake import MAX_LINE, MAX_TEXT


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token (the status moves, a new key)."""


class MessageForm(FlaskForm):
    body = TextAreaField("Message to the reporter", render_kw={"maxlength": MAX_TEXT, "rows": 4},
                         description="The reporter reads it with their case code and secret. "
                                     "Write plainly; name no colleague or witness.")


class NoteForm(FlaskForm):
    body = TextAreaField("Internal note", render_kw={"maxlength": MAX_TEXT, "rows": 3},
                         description="For your colleagues only: never shown to the reporter.")


class StatusForm(FlaskForm):
    to = HiddenField()


class LinkForm(FlaskForm):
    supplier_id = SelectField("Supplier", choices=[], validate_choice=False)


class RetaliationForm(FlaskForm):
    flag = HiddenField()


class WorkplaceForm(FlaskForm):
    supplier_id = SelectField("Supplier", choices=[], validate_choice=False)
    public_name = StringField("Name workers know it by", render_kw={"maxlength": MAX_LINE},
                              description="e.g. the factory's local name or its gate sign; "
                                          "the supplier's name when left empty.")


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LanguagesForm(FlaskForm):
    languages = Checkboxes("Languages of the poster and the page", choices=[],
                           validate_choice=False)


class AccessForm(FlaskForm):
    user_id = HiddenField()
    allowed = HiddenField()
