from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, NumberRange


class LoginForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(min=12, max=256)]
    )


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100)], default="API token")
    days = IntegerField(
        "Valid for (days)", default=90, validators=[DataRequired(), NumberRange(1, 366)]
    )


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""
