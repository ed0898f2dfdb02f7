"""The worker's forms (Flask-WTF, for the CSRF token and the values sent back on an error).

The checks here come before the service's and give each field its message in the page
language; the service (grievances/services/intake.py) checks the same rules again, in
English, for the API. The page language travels in a hidden `lang` field.
"""

from __future__ import annotations

import pycountry
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField

from grievances.services.intake import MAX_LINE, MAX_TEXT
from grievances.states import CATEGORIES

SOMEWHERE_ELSE = "other"


def _too_long(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return _("This is too long: at most %(limit)s characters (yours has %(count)s).",
                 limit=format_decimal(limit), count=format_decimal(len(value)))
    return None


def _clean(value: object) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


class IntakeForm(FlaskForm):
    lang = HiddenField()
    categories = SelectMultipleField(_l("What happened?"), choices=list(CATEGORIES),
                                     validate_choice=False)
    workplace = SelectField(_l("Where did it happen?"), validate_choice=False)
    place = StringField(_l("If the place is not in the list, write its name"))
    text = TextAreaField(_l("Tell us what happened, in your own words"))
    contact = StringField(_l("How can the company reach you? (you do not have to answer)"))
    language = SelectField(_l("Language of your report"), validate_choice=False)

    def problems(self, listed: set[str]) -> dict[str, str]:
        """Field name -> message for every answer that cannot be taken; empty when all can.
        `listed` holds the supplier ids (as text) of the workplaces the channel lists."""
        found: dict[str, str] = {}
        chosen = self.categories.data or []
        if not chosen:
            found["categories"] = _("Choose at least one answer.")
        elif any(c not in CATEGORIES for c in chosen):
            found["categories"] = _("Choose from the list.")
        where = self.workplace.data or ""
        if where not in ("", SOMEWHERE_ELSE) and where not in listed:
            found["workplace"] = _("Choose a workplace from the list, or choose "
                                   "“Somewhere else” and write the place.")
        text = _clean(self.text.data)
        if not text:
            found["text"] = _("Please write what happened.")
        elif problem := _too_long(text, MAX_TEXT):
            found["text"] = problem
        for name in ("place", "contact"):
            if problem := _too_long(_clean(getattr(self, name).data), MAX_LINE):
                found[name] = problem
        code = str(self.language.data or "")
        if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
            found["language"] = _("Choose a language from the list.")
        return found


class FollowForm(FlaskForm):
    lang = HiddenField()
    code = StringField(_l("Case code"))
    secret = StringField(_l("Secret"))

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not _clean(self.code.data):
            found["code"] = _("Please write the case code.")
        elif _too_long(_clean(self.code.data), 40):
            found["code"] = _("This is not a case code. Check it and try again.")
        if not _clean(self.secret.data):
            found["secret"] = _("Please write the secret.")
        elif _too_long(_clean(self.secret.data), 64):
            found["secret"] = _("This is not a secret. Check it and try again.")
        return found


class ReplyForm(FollowForm):
    message = TextAreaField(_l("Write back to the company"))

    def message_problem(self) -> str | None:
        text = _clean(self.message.data)
        if not text:
            return _("Please write a message.")
        return _too_long(text, MAX_TEXT)
