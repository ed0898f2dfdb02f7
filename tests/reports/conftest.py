from __future__ import annotations

import pytest

from tests.factories import make_org, make_user
from tests.reports.network import build


@pytest.fixture
def network(db):
    org = make_org(db, "buyer", name="Harbour Retail Group Reports")
    net = build(db, org)
    db.commit()
    return net


@pytest.fixture
def reporter(db, network):
    user = make_user(db, network.org, "compliance")
    db.commit()
    return user


@pytest.fixture
def api(client, reporter):
    from tests.conftest import token_for

    return token_for(client, reporter.email)
