"""Staff of Tuyên Quang (province 08) that the API's tests of cohorts, reports and exports share."""

import pytest

from tests.api.test_cohorts import branch_id


@pytest.fixture
def branch(app):
    """The Women's Union of Tuyên Quang (province 08)."""
    return branch_id(app, "womens_union:08")


@pytest.fixture
def trainer(auth, branch):
    return auth.person("trainer", union=branch, full_name="Hà Thị Thu")


@pytest.fixture
def manager(auth):
    """A manager of Tuyên Quang."""
    return auth.person("manager", province="08")


@pytest.fixture
def national(auth):
    """A national programme manager."""
    return auth.person("manager")
