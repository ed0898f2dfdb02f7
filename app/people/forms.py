from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.roles import ROLE_LABELS


def role_choices(roles) -> list[tuple[str, str]]:
    return [(role, ROLE_LABELS.get(role, role)) for role in sorted(roles)]


class InviteForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", validators=[DataRequired()])


class RoleForm(FlaskForm):
    role = SelectField("Role", validators=[DataRequired()])


class NewPasswordMixin:
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(min=12, max=256)],
    )
    confirm = PasswordField(
        "Repeat the password", validators=[DataRequired(), EqualTo("password", "The two differ.")]
    )


class AcceptForm(NewPasswordMixin, FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])


class ResetForm(NewPasswordMixin, FlaskForm):
    pass


class ForgotForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
