"""The screening pages' forms. They carry values; the services validate them (one rule set for
the pages, the API and the CLI) and the views put their errors back on the fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, TextAreaField


class ListForm(FlaskForm):
    name = StringField("List", description='Its name, such as "UFLPA Entity List": a new '
                                           "edition of a list you have keeps its name.")
    issuer = StringField("Issuer", description="Who publishes it, such as "
                                               '"US Department of Homeland Security".')
    edition = StringField("Edition", description='Its label, such as "2025-01-15" (new for '
                                                 "this list).")
    source_url = StringField("Where it is published (optional)")
    file = FileField("File (.csv or .xlsx)",
                     description="Columns: name (required), aliases and identifiers (separated "
                                 'by "|"), country, listed_on, reason, source_url.')
    dry_run = BooleanField("Dry run: check the file, load nothing")


class DecisionForm(FlaskForm):
    decision = HiddenField()
    note = TextAreaField("Note")


class RunForm(FlaskForm):
    """Only the CSRF token: "screen now"."""
