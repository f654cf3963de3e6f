"""Invitation SMS as the person who gets them reads them: what happened, where to answer, nothing else."""

import re

import pytest

from server import create_app
from tests.api.test_cohorts import enrol, outbox
from tests.api.test_invitations import branch, new_cohort

PHONE_LIKE = re.compile(r"(?:\+84|\b0)\d[\d .]{7,}\d")
REPEATED_WORD = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)


@pytest.fixture
def client(settings):
    settings["PUBLIC_BASE_URL"] = "https://choque.example"
    return create_app(settings).test_client()


def test_a_trainer_added_by_a_union_admin_gets_one_sms_with_the_link(client, auth, app, settings):
    womens = branch(app, "womens_union:08")
    admin = auth.person("union_admin", union=womens, full_name="Nông Thị Hoa")
    url = f"/api/v1/unions/{womens}/trainers"

    added = client.post(url, headers=admin.headers, json={"phone": "0988 777 666"})
    again = client.post(url, headers=admin.headers, json={"phone": "+84988777666"})

    assert (added.status_code, again.status_code) == (201, 200)
    assert added.get_json()["invitation_id"] == again.get_json()["invitation_id"]
    # Once, though the admin pressed twice: a retry that changed nothing sends nothing.
    [sms] = outbox(settings)
    assert sms["to"] == "+84988777666"
    assert sms["body"] == ("Cho Que Online: Hoi Lien hiep Phu nu tinh Tuyen Quang moi ban lam tap huan vien. "
                           "Dang nhap bang so dien thoai nay tai https://choque.example/ de tra loi.")
    # Nothing about the admin who typed the number.
    assert "Hoa" not in sms["body"] and not PHONE_LIKE.search(sms["body"])


def test_the_trainers_sms_is_in_the_language_they_chose(client, auth, app, settings):
    youth = branch(app, "youth_union:01")
    admin = auth.person("union_admin", union=youth)
    person = auth.person(locale="en")

    client.post(f"/api/v1/unions/{youth}/trainers", headers=admin.headers, json={"phone": person.phone})

    [sms] = outbox(settings)
    assert sms["body"] == ("Cho Que Online: Youth Union of Ha Noi city invites you to be one of its trainers. "
                           "Sign in with this phone number at https://choque.example/ to answer.")


@pytest.mark.parametrize("cohort_name", ["Lớp bán hàng online Nà Hang", "lớp học", "Khóa 1 – Thôn 3"])
def test_cohort_sms_say_lop_once_and_no_number_whatever_the_cohort_is_called(client, auth, app, settings,
                                                                              cohort_name):
    womens = branch(app, "womens_union:08")
    trainer = auth.person("trainer", union=womens, full_name="Hà Thị Thu")
    cohort = new_cohort(client, trainer, womens, name=cohort_name)
    existing = auth.person()

    enrol(client, trainer, cohort["id"], phone=existing.phone)  # has an account: invited
    enrol(client, trainer, cohort["id"], phone="0912 000 111")  # a new phone: set up in person

    invited, enrolled = outbox(settings)
    assert "moi ban tham gia lop hoc ban hang online" in invited["body"]
    assert "da tao tai khoan ban hang cho ban" in enrolled["body"]
    for sms in (invited, enrolled):
        assert not REPEATED_WORD.search(sms["body"]), sms["body"]
        # Neither the trainer's number nor anything typed into the app (the cohort's name, the trainer's).
        assert not PHONE_LIKE.search(sms["body"]), sms["body"]
        assert trainer.phone[3:] not in sms["body"]
        assert "Thu" not in sms["body"] and "Khoa" not in sms["body"] and "Na Hang" not in sms["body"]
        assert sms["body"].endswith("https://choque.example/ de tra loi.") or \
            sms["body"].endswith("https://choque.example/ de bat dau.")
