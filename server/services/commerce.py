"""Payout account and VietQR, channel links, and recorded sales."""

import ada_url
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server import vietqr
from server.clock import now, vietnam_day
from server.errors import InvalidInput, NotFound
from server.extensions import db
from server.idempotency import create_once, fingerprint
from server.models import Channel, PayoutAccount, Product, Sale
from server.permissions import Permission
from server.services import activation, audit
from server.services.sellers import get_seller
from server.text import fold

CHANNELS = ("shopee", "lazada", "tiktok_shop", "tiki", "postmart", "voso", "facebook", "zalo",
            "provincial_floor", "other")
# Sales also happen face to face, at the market or the farm gate.
SALE_CHANNELS = (*CHANNELS, "in_person")

# The web addresses each marketplace's shop links live on.
CHANNEL_DOMAINS = {
    "shopee": ("shopee.vn", "shp.ee"),
    "lazada": ("lazada.vn", "s.lazada.vn"),
    "tiktok_shop": ("tiktok.com", "vt.tiktok.com"),
    "tiki": ("tiki.vn",),
    "postmart": ("postmart.vn",),
    "voso": ("voso.vn",),
    "facebook": ("facebook.com", "fb.com", "fb.me", "m.facebook.com"),
    "zalo": ("zalo.me", "zalo.vn"),
}


def _host_matches(host, domains):
    return any(host == domain or host.endswith("." + domain) for domain in domains)


# --- payout and VietQR -------------------------------------------------------------------

def set_payout(user, seller_id, bank_bin, account_number, account_name):
    seller = get_seller(user, seller_id, Permission.PAYOUT_EDIT)
    if bank_bin not in vietqr.BANKS:
        raise InvalidInput(errors={"bank_bin": [_l("Unknown bank. Choose your bank from the list.")]})
    account = db.session.get(PayoutAccount, seller.id)
    moment = now()
    if account is None:
        account = PayoutAccount(seller_id=seller.id, created_at=moment)
        db.session.add(account)
    account.bank_bin = bank_bin
    account.account_number = account_number
    # Banks print account names in capitals without accents; VietQR apps show it that way.
    account.account_name = fold(account_name).upper()
    account.updated_at = moment
    audit.record("seller.payout_set", actor=user, subject=seller.owner, details={"seller_id": seller.id})
    db.session.commit()
    return account


def get_payout(user, seller_id):
    seller = get_seller(user, seller_id, Permission.PAYOUT_VIEW)
    account = db.session.get(PayoutAccount, seller.id)
    if account is None:
        raise NotFound(_l("This shop has no payout account yet."))
    return account


def vietqr_for(user, seller_id, amount_vnd=None, memo=None):
    account = get_payout(user, seller_id)
    text = vietqr.payload(account.bank_bin, account.account_number, amount_vnd, memo)
    return {"payload": text, "png_base64": vietqr.png_base64(text),
            "bank_name": vietqr.BANKS[account.bank_bin], "account_name": account.account_name,
            "account_number": account.account_number, "amount_vnd": amount_vnd}


# --- channels ----------------------------------------------------------------------------

FULL_LINK = _l("Enter the full link, starting with https://")
HIDDEN_ADDRESS = _l("This link hides its real address. Copy the link again from your shop's page.")
WRONG_CHANNEL = _l("This link does not belong to the channel you chose.")
LINK_TOO_LONG = _l("This link is too long.")


def check_channel_url(channel, url):
    """The link as a browser reads it (WHATWG URL), normalized; InvalidInput when it is not a web
    address of `channel`'s marketplace.

    Read the way browsers read it, because a buyer's browser decides where the link goes: Python's
    urlsplit takes `https://evil.com\\@shopee.vn/` for shopee.vn, a browser opens evil.com.
    A user name or password before `@` is only ever there to disguise the address.
    """
    try:
        parsed = ada_url.URL(url)
    except ValueError:
        raise InvalidInput(errors={"url": [FULL_LINK]}) from None
    host = parsed.hostname
    if parsed.protocol not in ("http:", "https:") or "." not in host:
        raise InvalidInput(errors={"url": [FULL_LINK]})
    if parsed.username or parsed.password:
        raise InvalidInput(errors={"url": [HIDDEN_ADDRESS]})
    domains = CHANNEL_DOMAINS.get(channel)
    if domains and not _host_matches(host, domains):
        raise InvalidInput(errors={"url": [WRONG_CHANNEL]})
    if len(parsed.href) > Channel.url.type.length:
        # Normalizing may lengthen a link (spaces and accents are percent-encoded).
        raise InvalidInput(errors={"url": [LINK_TOO_LONG]})
    return parsed.href


def add_channel(user, seller_id, channel, url):
    """Link a shop elsewhere; the same link twice is kept once. Returns (channel, created)."""
    seller = get_seller(user, seller_id, Permission.CHANNELS_MANAGE)
    url = check_channel_url(channel, url)
    existing = db.session.scalars(
        select(Channel).where(Channel.seller_id == seller.id, Channel.channel == channel, Channel.url == url)
    ).first()
    if existing is not None:
        return existing, False
    link = Channel(seller_id=seller.id, channel=channel, url=url, created_at=now())
    db.session.add(link)
    activation.record_activity(seller, "channel")
    activation.activate_if_due(seller)
    db.session.commit()
    return link, True


def list_channels(user, seller_id):
    seller = get_seller(user, seller_id, Permission.SELLERS_VIEW)
    return select(Channel).where(Channel.seller_id == seller.id).order_by(Channel.id)


def delete_channel(user, seller_id, channel_id):
    seller = get_seller(user, seller_id, Permission.CHANNELS_MANAGE)
    link = db.session.get(Channel, channel_id)
    if link is None or link.seller_id != seller.id:
        raise NotFound()
    db.session.delete(link)
    db.session.commit()


# --- sales -------------------------------------------------------------------------------

def record_sale(user, seller_id, fields):
    """Record a sale; the same id and content returns the first result. Returns (sale, created)."""
    seller = get_seller(user, seller_id, Permission.SALES_RECORD)
    sale_id = str(fields["id"])
    content = {key: value for key, value in fields.items() if key != "id"}

    def build():
        _check_sale(seller, content)
        return Sale(id=sale_id, seller_id=seller.id, fingerprint=fingerprint(content), created_at=now(),
                    occurred_on=content["occurred_on"], channel=content["channel"],
                    amount_vnd=content["amount_vnd"], quantity=content.get("quantity"),
                    product_id=str(content["product_id"]) if content.get("product_id") else None)

    sale, created = create_once(Sale, sale_id, content, lambda stored: stored.seller_id == seller.id, build)
    if created:
        activation.record_activity(seller, "sale", content["occurred_on"])
        activation.activate_if_due(seller)
        db.session.commit()
    return sale, created


def _check_sale(seller, content):
    today = vietnam_day(now())
    if content["occurred_on"] > today:
        raise InvalidInput(errors={"occurred_on": [_l("A sale cannot be in the future.")]})
    product_id = content.get("product_id")
    if product_id:
        product = db.session.get(Product, str(product_id))
        if product is None or product.seller_id != seller.id:
            raise InvalidInput(errors={"product_id": [_l("This product is not one of this shop's.")]})


def list_sales(user, seller_id, date_from=None, date_to=None):
    seller = get_seller(user, seller_id, Permission.SELLERS_VIEW)
    statement = select(Sale).where(Sale.seller_id == seller.id)
    if date_from:
        statement = statement.where(Sale.occurred_on >= date_from)
    if date_to:
        statement = statement.where(Sale.occurred_on <= date_to)
    return statement.order_by(Sale.occurred_on.desc(), Sale.created_at.desc(), Sale.id)
