"""The form of the reference-data page. It carries values; the service validates them (one rule
set for the page and the CLI) and the view puts its errors back on the fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from risk.reference.services import DATASET_LABELS
from risk.weights import DATASETS


class EditionForm(FlaskForm):
    dataset = SelectField("Data set",
                          choices=[SelectChoice(d, DATASET_LABELS[d]) for d in DATASETS])
    edition = StringField("Edition", description='Its label, such as "2024" (up to 40 '
                                                 "characters, new for this data set).")
    title = StringField("Title", description="What it is, as a reader should see it.")
    source = TextAreaField("Source", description="Who publishes it and where this copy came "
                                                 "from (shown beside every score that uses it).")
    licence = StringField("Licence or terms (optional)")
    retrieved_on = DateField("Retrieved on (optional)", validators=[Optional()])
    files = MultipleFileField("Files (.csv or .xlsx)",
                              description="One file, or several for data sets built from "
                                          "several (TIP tiers: each file adds report years).")
    dry_run = BooleanField("Dry run: check the files, load nothing")
