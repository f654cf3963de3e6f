"""The JSON API: one module per resource, each a flask-smorest Blueprint with its schemas."""

from api.access import register_converters
from api import (  # noqa: I001 - the resource modules, after the shared helpers
    auth, catalog, channels, cohorts, consent, health, invitations, learning, me, payouts, places, products, reports, sales,
    sellers, union_staff, unions,
)

BLUEPRINTS = (
    health.blp,
    places.blp,
    unions.blp,
    auth.blp,
    me.blp,
    consent.blp,
    sellers.blp,
    products.blp,
    catalog.blp,
    payouts.blp,
    payouts.banks_blp,
    channels.blp,
    sales.blp,
    learning.blp,
    cohorts.blp,
    union_staff.blp,
    invitations.blp,
    reports.blp,
)


def register_blueprints(app, api):
    register_converters(app, api)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
