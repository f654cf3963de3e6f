"""What a product's public page (/p/<id>) shows a buyer: the product, what its seller chose to show
(the phone, the shop's channel links, its VietQR), and the shop's other products."""

from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server import phones, vietqr
from server.errors import NotFound
from server.extensions import db
from server.models import Channel, PayoutAccount, Product
from server.services import catalog
from server.services.categories import CATEGORIES
from server.services.photo_processing import derivative_sizes
from server.services.products import derivative_urls, money
from server.urls import public_url

# Other published products of the same shop at the bottom of the page: a row or two on a phone.
OTHER_PRODUCTS = 6
# Marketplaces go by their own names in every language.
CHANNEL_BRANDS = {
    "shopee": "Shopee", "lazada": "Lazada", "tiktok_shop": "TikTok Shop", "tiki": "Tiki", "postmart": "Postmart",
    "voso": "Voso", "facebook": "Facebook", "zalo": "Zalo",
}
SCHEMA_IN_STOCK = "https://schema.org/InStock"
SCHEMA_OUT_OF_STOCK = "https://schema.org/OutOfStock"


@dataclass(frozen=True)
class Picture:
    """One size of a photo with its real width and height (so the browser keeps its place, and link
    previews know its shape before fetching it)."""

    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Photo:
    large: Picture
    medium: Picture
    thumb: Picture


@dataclass(frozen=True)
class Contact:
    """The owner's phone, as the seller chose to show it: to call, and to chat on Zalo."""

    display: str
    tel: str
    zalo: str


@dataclass(frozen=True)
class ChannelButton:
    label: str
    url: str


@dataclass(frozen=True)
class PaymentCode:
    """The shop's VietQR: any banking app scans it to pay into the shop's account."""

    png_base64: str
    bank_name: str
    account_number: str
    account_name: str


@dataclass(frozen=True)
class OtherProduct:
    url: str
    title: str
    price: str
    thumb: Picture | None


@dataclass(frozen=True)
class ProductPage:
    product: Product
    url: str
    price: str
    in_stock: bool
    photos: list[Photo]
    contact: Contact | None = None
    channels: list[ChannelButton] = field(default_factory=list)
    payment: PaymentCode | None = None
    others: list[OtherProduct] = field(default_factory=list)

    @property
    def cover(self):
        return self.photos[0] if self.photos else None

    def structured_data(self):
        """schema.org Product with its Offer (JSON-LD), so that search engines show the price in đồng."""
        seller = self.product.seller
        offer = {
            "@type": "Offer",
            "url": self.url,
            "price": self.product.price_vnd,
            "priceCurrency": "VND",
            "availability": SCHEMA_IN_STOCK if self.in_stock else SCHEMA_OUT_OF_STOCK,
            "itemCondition": "https://schema.org/NewCondition",
            "seller": {
                "@type": "Organization",
                "name": seller.name,
                "address": {"@type": "PostalAddress", "addressLocality": seller.commune.name,
                            "addressRegion": seller.commune.province.name, "addressCountry": "VN"},
            },
        }
        product = {
            "@context": "https://schema.org",
            "@type": "Product",
            "name": self.product.title,
            "url": self.url,
            "image": [photo.large.url for photo in self.photos],
            "offers": offer,
        }
        if self.product.description:
            product["description"] = self.product.description
        if self.product.sku:
            product["sku"] = self.product.sku
        if self.product.category in CATEGORIES:
            product["category"] = str(CATEGORIES[self.product.category])
        return product


def product_page(product_id):
    """The page of a published product of a live shop; raises NotFound otherwise. Call it in the
    language the page is written in: prices and labels are formatted here."""
    product = catalog.catalog_product(product_id)
    if not product.title or not product.price_vnd:
        # Older rows published before the publishing rules: nothing a buyer could act on.
        raise NotFound()
    seller = product.seller
    urls = derivative_urls()
    return ProductPage(
        product=product,
        url=public_url(f"/p/{product.id}"),
        price=money(product.price_vnd),
        in_stock=catalog.availability(product.status, product.stock) == catalog.IN_STOCK,
        photos=[_photo(photo, urls) for photo in product.photos],
        contact=_contact(seller.owner.phone) if seller.show_phone and seller.owner.phone else None,
        channels=_channel_buttons(seller.id) if seller.show_channels else [],
        payment=_payment_code(seller.id, product.title) if seller.show_vietqr else None,
        others=_other_products(product, urls),
    )


def _photo(photo, urls):
    addresses = urls(photo.keys)
    sizes = derivative_sizes((photo.width, photo.height), ("large", "medium", "thumb"))
    return Photo(**{name: Picture(addresses[name], size["width"], size["height"]) for name, size in sizes.items()})


def _contact(phone):
    display = phones.display(phone)
    # Zalo opens a chat from the number as people write it at home: 0912345678.
    return Contact(display=display, tel=f"tel:{phone}", zalo=f"https://zalo.me/{display.replace(' ', '')}")


def channel_label(channel):
    """The button to the shop elsewhere: "Mua trên Shopee"."""
    if channel in CHANNEL_BRANDS:
        return _("Buy on %(channel)s", channel=CHANNEL_BRANDS[channel])
    if channel == "provincial_floor":
        return _("Buy on the provincial e-commerce floor")
    return _("Buy on the shop's other page")


def _channel_buttons(seller_id):
    links = db.session.scalars(select(Channel).where(Channel.seller_id == seller_id).order_by(Channel.id))
    return [ChannelButton(channel_label(link.channel), link.url) for link in links]


def _payment_code(seller_id, title):
    account = db.session.get(PayoutAccount, seller_id)
    if account is None:
        return None
    # No amount (a buyer may take two, or agree on delivery); the product's name as the transfer note,
    # so the seller knows what was paid for.
    payload = vietqr.payload(account.bank_bin, account.account_number, memo=title)
    return PaymentCode(png_base64=_qr_png(payload), bank_name=vietqr.BANKS.get(account.bank_bin, ""),
                       account_number=account.account_number, account_name=account.account_name)


@lru_cache(maxsize=1024)
def _qr_png(payload):
    """The PNG of a VietQR payload, kept: drawing it takes 9 ms, and a shared product's page is opened
    many times over (1,024 codes of under 1 KB each)."""
    return vietqr.png_base64(payload)


def _other_products(product, urls):
    """The shop's newest other published products: never drafts, nor archived (deleted) ones."""
    others = db.session.scalars(
        select(Product).options(selectinload(Product.photos))
        .where(Product.seller_id == product.seller_id, Product.status == "published", Product.id != product.id,
               Product.title.is_not(None), Product.price_vnd.is_not(None))
        .order_by(Product.published_at.desc(), Product.id.desc())
        .limit(OTHER_PRODUCTS)
    )
    return [
        OtherProduct(url=public_url(f"/p/{other.id}"), title=other.title,
                     price=money(other.price_vnd),
                     thumb=_photo(other.photos[0], urls).thumb if other.photos else None)
        for other in others
    ]
