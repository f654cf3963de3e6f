"""Phone sign-in: one-time codes by SMS, sessions, rotating refresh tokens, sign-out."""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext, lazy_gettext as _l
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import select, update

from server.clock import now
from server.errors import InvalidInput, TooManyRequests, Unavailable
from server.extensions import db
from server.models import AuthSession, OtpChallenge, User
from server.phones import normalize_mobile
from server.services import audit
from server.sms import SmsError

CODE_LIFETIME = timedelta(minutes=5)
SEND_WINDOW = timedelta(minutes=15)
SENDS_PER_WINDOW = 3
MAX_FAILED_ATTEMPTS = 5


@dataclass
class SignIn:
    user: User
    access_token: str
    refresh_token: str
    is_new: bool


def _code_hash(phone, code):
    """Keyed hash: six digits are too few to store with a plain hash."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def request_code(raw_phone):
    """Send a new 6-digit code by SMS; earlier unused codes for the phone stop working."""
    phone = normalize_mobile(raw_phone)
    moment = now()
    window_start = moment - SEND_WINDOW
    recent = db.session.scalars(
        select(OtpChallenge.created_at)
        .where(OtpChallenge.phone == phone, OtpChallenge.created_at > window_start)
        .order_by(OtpChallenge.created_at)
    ).all()
    if len(recent) >= SENDS_PER_WINDOW:
        retry_after = (recent[0] + SEND_WINDOW - moment).total_seconds()
        raise TooManyRequests(
            _l("We have sent 3 codes to this number. Please wait 15 minutes before asking again."),
            retry_after=max(1, retry_after),
        )
    db.session.execute(
        update(OtpChallenge)
        .where(OtpChallenge.phone == phone, OtpChallenge.used_at.is_(None),
               OtpChallenge.burned_at.is_(None))
        .values(burned_at=moment)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(
        OtpChallenge(phone=phone, code_hash=_code_hash(phone, code), created_at=moment,
                     expires_at=moment + CODE_LIFETIME)
    )
    # The Vietnamese text has no diacritics on purpose: it stays a single 160-character GSM-7 SMS.
    body = gettext(
        "Your Cho Que Online code is %(code)s. It expires in 5 minutes. Never share it with anyone.",
        code=code,
    )
    try:
        current_app.extensions["sms"].send(phone, body)
    except SmsError as error:
        db.session.rollback()
        current_app.logger.error("SMS not sent: %s", error)
        raise Unavailable(_l("We could not send the SMS. Please try again in a moment.")) from error
    db.session.commit()


def _active_challenge(phone):
    return db.session.scalars(
        select(OtpChallenge)
        .where(OtpChallenge.phone == phone, OtpChallenge.used_at.is_(None),
               OtpChallenge.burned_at.is_(None), OtpChallenge.expires_at > now())
        .order_by(OtpChallenge.created_at.desc())
        .limit(1)
    ).first()


def verify_code(raw_phone, code):
    """Check the code; create the user on first sign-in; open a session with its tokens."""
    phone = normalize_mobile(raw_phone)
    challenge = _active_challenge(phone)
    if challenge is None:
        raise InvalidInput(errors={"code": [_l("This code has expired or is no longer valid. Please ask for a new code.")]})
    if not hmac.compare_digest(challenge.code_hash, _code_hash(phone, code)):
        challenge.failed_attempts += 1
        left = MAX_FAILED_ATTEMPTS - challenge.failed_attempts
        if left <= 0:
            challenge.burned_at = now()
        db.session.commit()
        if left <= 0:
            raise InvalidInput(errors={"code": [_l("Too many wrong tries. Please ask for a new code.")]})
        raise InvalidInput(errors={"code": [gettext("Wrong code. %(left)d tries left.", left=left)]})

    moment = now()
    challenge.used_at = moment
    user = db.session.scalars(select(User).where(User.phone == phone)).first()
    if user is None:
        user = User(phone=phone, created_at=moment)
        db.session.add(user)
    is_new = user.phone_verified_at is None
    if is_new:
        user.phone_verified_at = moment
    db.session.flush()
    audit.record("auth.signed_up" if is_new else "auth.signed_in", actor=user, subject=user)
    return start_session(user, is_new)


def _tokens(user, session):
    claims = {"sid": session.id}
    refresh_jti = str(uuid.uuid4())
    session.refresh_jti = refresh_jti
    access = create_access_token(identity=user, additional_claims=claims)
    refresh = create_refresh_token(identity=user, additional_claims={**claims, "jti": refresh_jti})
    return access, refresh


def start_session(user, is_new=False):
    """Open a session for a verified user and issue its first pair of tokens."""
    session = AuthSession(user_id=user.id, refresh_jti="")
    db.session.add(session)
    db.session.flush()
    access, refresh = _tokens(user, session)
    db.session.commit()
    return SignIn(user, access, refresh, is_new)


def refresh(user, session_id):
    """Rotate: a new access and refresh token; the presented refresh token stops working."""
    session = db.session.get(AuthSession, session_id)
    session.refreshed_at = now()
    access, refresh_token = _tokens(user, session)
    db.session.commit()
    return access, refresh_token


def sign_out(user, session_id):
    """Revoke the session: its access and refresh tokens stop working at once."""
    session = db.session.get(AuthSession, session_id)
    session.revoked_at = now()
    audit.record("auth.signed_out", actor=user, subject=user)
    db.session.commit()


def revoke_all_sessions(user):
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now())
    )

