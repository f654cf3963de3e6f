"""factory_boy factories for the models, saved through the app's session."""

import uuid
from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from server.clock import now
from server.extensions import db
from server.models import (
    Cohort, CohortMember, LessonProgress, Product, RoleGrant, Seller, SellerActivity, SellerMember, User,
)

NA_HANG = "02221"  # Xã Nà Hang, Tuyên Quang
HOAN_KIEM = "00070"  # Phường Hoàn Kiếm, Hà Nội


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    phone = factory.Sequence(lambda n: f"+8491{n:07d}")
    full_name = factory.Faker("name", locale="vi_VN")
    phone_verified_at = factory.LazyFunction(now)


class RoleGrantFactory(BaseFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = "trainer"


class SellerFactory(BaseFactory):
    class Meta:
        model = Seller

    kind = "household"
    name = factory.Sequence(lambda n: f"Hộ kinh doanh số {n}")
    commune_code = NA_HANG
    owner = factory.SubFactory(UserFactory)

    @factory.post_generation
    def owner_membership(seller, create, extracted, **kwargs):
        seller.members.append(SellerMember(user_id=seller.owner.id, role="owner"))
        if create:
            db.session.commit()


class SellerActivityFactory(BaseFactory):
    class Meta:
        model = SellerActivity

    kind = "sale"


class CohortFactory(BaseFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Lớp {n}")
    starts_on = date(2026, 1, 1)
    created_by_id = factory.LazyAttribute(lambda cohort: UserFactory().id)


class CohortMemberFactory(BaseFactory):
    class Meta:
        model = CohortMember


class LessonProgressFactory(BaseFactory):
    class Meta:
        model = LessonProgress

    status = "in_progress"


class ProductFactory(BaseFactory):
    class Meta:
        model = Product

    id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    title = "Mật ong rừng Na Hang 500ml"
    status = "draft"
    create_fingerprint = "test"
