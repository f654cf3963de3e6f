"""The JSON API: one module per resource, each a flask-smorest Blueprint with its schemas."""

from api import auth, health, me, places, sellers, unions

BLUEPRINTS = (health.blp, places.blp, unions.blp, auth.blp, me.blp, sellers.blp)


def register_blueprints(api):
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
