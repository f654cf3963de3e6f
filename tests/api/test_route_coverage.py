"""Every route of the app is in an access matrix: a new route without an access test fails here."""

import re

from tests.api import test_access_matrix, test_auth, test_cohorts, test_invitations, test_reports

PLACEHOLDER = re.compile(r"<[^>]+>|\{[^}]+\}")


def shape(path):
    """"/api/v1/sellers/<id:seller_id>" and "/api/v1/sellers/{seller}?x=1" -> "/api/v1/sellers/{}"."""
    return PLACEHOLDER.sub("{}", path.split("?", 1)[0])


def routes_in_matrices():
    matrices = [
        test_access_matrix.SELLER_ROUTES, test_access_matrix.OWN_ROUTES, test_access_matrix.PUBLIC_ROUTES,
        test_cohorts.COHORT_ROUTES, test_cohorts.BRANCH_ROUTES, test_invitations.INVITATION_ROUTES,
        test_auth.AUTH_ROUTES, [("GET", path) for path in test_reports.REPORT_PATHS],
    ]
    return {(method, shape(path)) for matrix in matrices for method, path, *_ in matrix}


def test_every_route_has_an_access_test(app):
    routes = {
        (method, shape(rule.rule))
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    untested = sorted(routes - routes_in_matrices())
    assert untested == [], "routes with no access test: add them to a matrix"
    assert sorted(routes_in_matrices() - routes) == [], "a matrix lists a route the app does not have"
