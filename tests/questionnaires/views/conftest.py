import pytest

from tests.questionnaires.views import factories


@pytest.fixture(autouse=True)
def _factories_know_the_app(app):
    # The services build links and read settings from the app. The factories push its context
    # only around their own calls: a context left pushed would be shared by every request the
    # test client makes (with one `g`, and so one cached CSRF token, for all of them).
    factories.APP = app
    yield
    factories.APP = None
