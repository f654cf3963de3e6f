"""Flask-JWT-Extended wiring: tokens tied to a revocable session, errors in our shape."""

from flask import g
from flask_babel import lazy_gettext as _l
from flask_jwt_extended import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from server.errors import error_body
from server.extensions import db, jwt
from server.models import AuthSession, User

TOKEN_ERRORS = {
    "missing": _l("Please sign in to continue."),
    "invalid": _l("Your sign-in is not valid. Please sign in again."),
    "expired": _l("Your sign-in has expired. Please sign in again."),
    "revoked": _l("You have signed out on this device. Please sign in again."),
}


# The user of a live session, with the user's roles: what every signed-in request reads first. Built
# once; the session itself is not loaded, only asked whether it is revoked.
LIVE_SESSION_USER = (
    select(User)
    .join(AuthSession, AuthSession.user_id == User.id)
    .options(joinedload(User.grants))
    .where(AuthSession.id == bindparam("session_id"), AuthSession.revoked_at.is_(None))
)


def _unauthorized(kind):
    return error_body(401, TOKEN_ERRORS[kind]), 401


@jwt.user_identity_loader
def _identity(user):
    return str(user.id)


@jwt.user_lookup_loader
def _load_user(_header, payload):
    """The user the revocation check (below, which runs first) loaded with the token's session; for a
    token whose check was skipped, the user its `sub` names."""
    user = g.get("token_user")
    if user is None or user.id != int(payload["sub"]):
        user = db.session.get(User, int(payload["sub"]))
    return None if user is None or user.is_erased else user


@jwt.token_in_blocklist_loader
def _is_revoked(_header, payload):
    """A token dies with its session. Whether a refresh token was rotated already is for the
    refresh itself to decide (server.services.auth.refresh), which also detects reuse.

    The session's user and the user's roles come in one query, and the user is held for the
    request (the identity map only holds weak references), so that the user lookup that follows
    finds it there: one round trip per signed-in request."""
    user = db.session.execute(LIVE_SESSION_USER, {"session_id": payload.get("sid", "")}).unique().scalar()
    if user is None:
        return True
    g.token_user = user
    return False


jwt.unauthorized_loader(lambda _reason: _unauthorized("missing"))
jwt.invalid_token_loader(lambda _reason: _unauthorized("invalid"))
jwt.expired_token_loader(lambda _header, _payload: _unauthorized("expired"))
jwt.revoked_token_loader(lambda _header, _payload: _unauthorized("revoked"))
jwt.user_lookup_error_loader(lambda _header, _payload: _unauthorized("revoked"))
jwt.needs_fresh_token_loader(lambda _header, _payload: _unauthorized("invalid"))
jwt.token_verification_failed_loader(lambda _header, _payload: _unauthorized("invalid"))


def signed_in_user():
    """The user of the current request's access token (views are wrapped in login_required)."""
    return current_user
