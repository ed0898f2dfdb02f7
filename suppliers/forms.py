from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.people.forms import NewPasswordMixin
from suppliers.countries import country_choices
from suppliers.kinds import KIND_LABELS, RELATIONSHIP_KINDS, SUPPLIER_KINDS

# Values are validated by the service (one rule set for forms, API and imports); the form only
# carries them and shows the errors the service reports against each field.


class SupplierForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=300)])
    latin_name = StringField("Name in Latin letters", validators=[Length(max=300)])
    external_id = StringField("Your reference (external ID)", validators=[Length(max=100)])
    country = SelectField("Country", choices=[])
    kind = SelectField("Kind", choices=[SelectChoice(k, KIND_LABELS[k]) for k in SUPPLIER_KINDS],
                       default="manufacturer")
    sector = StringField("Sector", validators=[Length(max=200)])
    products = StringField("Products (separate with ;)")
    address = TextAreaField("Address", validators=[Length(max=500)])
    workers = StringField("Workers")
    migrant_workers = StringField("Migrant workers")
    female_workers = StringField("Female workers")
    os_id = StringField("Open Supply Hub OS ID")
    lei = StringField("LEI")
    duns = StringField("DUNS")
    contact_email = StringField("Contact email", validators=[Length(max=254)])
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [
            SelectChoice("", "Choose a country…"),
            *(SelectChoice(code, name) for code, name in country_choices()),
        ]

    def values(self) -> dict:
        fields = ("name", "latin_name", "external_id", "country", "kind", "sector", "products",
                  "address", "workers", "migrant_workers", "female_workers", "os_id", "lei", "duns",
                  "contact_email")
        return {f: (getattr(self, f).data or None) for f in fields}


class RelationshipForm(FlaskForm):
    direction = SelectField(
        "This supplier",
        choices=[SelectChoice("customer", "sells to"), SelectChoice("supplier", "buys from")],
        default="customer",
    )
    other = StringField(
        "Other party", description="External ID or exact name; leave blank for our company."
    )
    kind = SelectField(
        "Kind", choices=[SelectChoice(k, k.capitalize()) for k in RELATIONSHIP_KINDS]
    )
    product = StringField("Product", validators=[Length(max=200)])


class ImportForm(FlaskForm):
    file = FileField("Spreadsheet (.xlsx or .csv)")
    dry_run = BooleanField("Check only (dry run): validate without saving")


class ConfirmForm(FlaskForm):
    pass


class MergeForm(FlaskForm):
    """Which of the pair to keep: the page's two buttons send `keep` (checked by the view)."""


class DismissForm(FlaskForm):
    note = TextAreaField("Why not (optional)", validators=[Length(max=1000)])


class ContactForm(FlaskForm):
    """Invite the supplier's contact to connect (the service checks the address)."""

    email = StringField("Contact email", validators=[DataRequired(), Length(max=254)])


class ConnectAccountForm(NewPasswordMixin, FlaskForm):
    """Accept a connection invitation with a new account and a new supplier organisation."""

    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    organization = StringField("Your organisation's name on Tierlight",
                               validators=[DataRequired(), Length(max=200)])
