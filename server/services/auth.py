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
from sqlalchemy.exc import IntegrityError

from server.clock import now
from server.errors import InvalidInput, TooManyRequests, Unauthorized, Unavailable
from server.extensions import db
from server.models import AuthSession, OtpChallenge, User
from server.phones import normalize_mobile
from server.services import audit, throttle
from server.sms import SmsError

CODE_LIFETIME = timedelta(minutes=5)
SEND_WINDOW = timedelta(minutes=15)
SENDS_PER_WINDOW = 3
MAX_ATTEMPTS = 5
# How long to let SMS arrive on a weak line before offering "send again".
RESEND_WAIT = timedelta(seconds=60)
# A phone that lost the answer to a refresh may send the same refresh token again this soon after.
REFRESH_GRACE = timedelta(seconds=60)

CODE_GONE = _l("This code has expired or is no longer valid. Please ask for a new code.")
CODE_BURNED = _l("Too many wrong tries. Please ask for a new code.")


@dataclass
class SignIn:
    user: User
    access_token: str
    refresh_token: str
    is_new: bool


@dataclass(frozen=True)
class CodeSent:
    """What the phone shows after asking for a code: how long it lasts, when to offer sending again."""

    expires_in: int
    resend_after: int


def _code_hash(phone, code):
    """Keyed hash: six digits are too few to store with a plain hash."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def request_code(raw_phone):
    """Send a new 6-digit code by SMS; earlier unused codes for the phone stop working."""
    phone = normalize_mobile(raw_phone)
    use = throttle.take(f"otp:{phone}", SENDS_PER_WINDOW, SEND_WINDOW)
    if not use.allowed:
        db.session.rollback()
        raise TooManyRequests(
            _l("We have sent 3 codes to this number. Please wait 15 minutes before asking again."),
            retry_after=use.resets_in,
        )
    moment = now()
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
    resend_after = RESEND_WAIT.total_seconds() if use.left else use.resets_in
    return CodeSent(expires_in=int(CODE_LIFETIME.total_seconds()), resend_after=int(resend_after))


def _active_challenge_id(phone):
    return db.session.scalar(
        select(OtpChallenge.id)
        .where(OtpChallenge.phone == phone, OtpChallenge.used_at.is_(None),
               OtpChallenge.burned_at.is_(None), OtpChallenge.expires_at > now())
        .order_by(OtpChallenge.created_at.desc())
        .limit(1)
    )


def _live(challenge_id):
    """The conditions under which a challenge still takes tries."""
    return (OtpChallenge.id == challenge_id, OtpChallenge.used_at.is_(None),
            OtpChallenge.burned_at.is_(None), OtpChallenge.expires_at > now())


def _take_try(challenge_id):
    """Count a try before the code is compared, in one conditional UPDATE: however many guesses
    arrive at once, at most MAX_ATTEMPTS of them are ever compared. Returns the tries taken, or None."""
    taken = db.session.scalar(
        update(OtpChallenge)
        .where(*_live(challenge_id), OtpChallenge.attempts < MAX_ATTEMPTS)
        .values(attempts=OtpChallenge.attempts + 1)
        .returning(OtpChallenge.attempts)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return taken


def _use(challenge_id):
    """Mark the challenge used; of two right codes checked at once, only one signs in."""
    used = db.session.execute(
        update(OtpChallenge).where(*_live(challenge_id)).values(used_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(used)


def verify_code(raw_phone, code):
    """Check the code; create the user on first sign-in; open a session with its tokens."""
    phone = normalize_mobile(raw_phone)
    challenge_id = _active_challenge_id(phone)
    tries = _take_try(challenge_id) if challenge_id else None
    if tries is None:
        burned = challenge_id and db.session.scalar(
            select(OtpChallenge.attempts >= MAX_ATTEMPTS).where(OtpChallenge.id == challenge_id))
        raise InvalidInput(errors={"code": [CODE_BURNED if burned else CODE_GONE]})
    code_hash = db.session.scalar(select(OtpChallenge.code_hash).where(OtpChallenge.id == challenge_id))
    if not hmac.compare_digest(code_hash, _code_hash(phone, code)):
        left = MAX_ATTEMPTS - tries
        if left <= 0:
            db.session.execute(
                update(OtpChallenge).where(OtpChallenge.id == challenge_id).values(burned_at=now())
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            raise InvalidInput(errors={"code": [CODE_BURNED]})
        raise InvalidInput(errors={"code": [gettext("Wrong code. %(left)d tries left.", left=left)]})
    if not _use(challenge_id):
        db.session.rollback()
        raise InvalidInput(errors={"code": [CODE_GONE]})

    moment = now()
    user = user_with_phone(phone)
    is_new = user.phone_verified_at is None
    if is_new:
        user.phone_verified_at = moment
    db.session.flush()
    audit.record("auth.signed_up" if is_new else "auth.signed_in", actor=user, subject=user)
    return start_session(user, is_new)


def user_with_phone(phone):
    """The account of this E.164 phone, created when new (a race with another request creating it is
    settled by the unique phone). Only for the person signing in with it, or a trainer setting up a
    household in person: typing someone's number elsewhere never reaches their account."""
    user = db.session.scalars(select(User).where(User.phone == phone)).first()
    if user is not None:
        return user
    try:
        with db.session.begin_nested():
            user = User(phone=phone, created_at=now())
            db.session.add(user)
    except IntegrityError:
        user = db.session.scalars(select(User).where(User.phone == phone)).one()
    return user


def _tokens(user, session, refresh_jti=None):
    claims = {"sid": session.id}
    refresh_jti = refresh_jti or str(uuid.uuid4())
    access = create_access_token(identity=user, additional_claims=claims)
    refresh = create_refresh_token(identity=user, additional_claims={**claims, "jti": refresh_jti})
    return access, refresh, refresh_jti


def start_session(user, is_new=False):
    """Open a session for a verified user and issue its first pair of tokens."""
    session = AuthSession(user_id=user.id, refresh_jti="")
    db.session.add(session)
    db.session.flush()
    access, refresh, session.refresh_jti = _tokens(user, session)
    db.session.commit()
    return SignIn(user, access, refresh, is_new)


REUSED = _l("For your safety you have been signed out on this phone. Please sign in again.")


def refresh(user, session_id, presented_jti):
    """Rotate: a new access and refresh token; the presented refresh token stops working.

    The rotation is one conditional UPDATE, so of parallel refreshes with one token only one rotates.
    The token rotated last, presented again within REFRESH_GRACE, gets the current refresh token
    again (the phone lost the answer, or sent it twice); any other rotated token is a copy in the
    wrong hands, and ends the session.
    """
    moment = now()
    access, refresh_token, new_jti = _tokens(user, db.session.get(AuthSession, session_id))
    rotated = db.session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.refresh_jti == presented_jti,
               AuthSession.revoked_at.is_(None))
        .values(refresh_jti=new_jti, previous_refresh_jti=presented_jti, refreshed_at=moment)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if rotated:
        return access, refresh_token
    session = db.session.get(AuthSession, session_id)
    db.session.refresh(session)
    within_grace = session.refreshed_at is not None and moment - session.refreshed_at <= REFRESH_GRACE
    if session.revoked_at is None and session.previous_refresh_jti == presented_jti and within_grace:
        access, refresh_token, _ = _tokens(user, session, refresh_jti=session.refresh_jti)
        return access, refresh_token
    if session.revoked_at is None:
        session.revoked_at = moment
        audit.record("auth.refresh_token_reused", actor=user, subject=user, details={"session_id": session_id})
        db.session.commit()
    raise Unauthorized(REUSED)


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

