"""Folding Vietnamese text for accent-insensitive search."""

import pytest

from server.text import fold, search_words


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Xuân", "xuan"),
        ("XUÂN", "xuan"),
        ("Đại Mỗ", "dai mo"),
        ("đồng THÁP", "dong thap"),
        ("  Phường   Hoàn Kiếm ", "phuong hoan kiem"),
        ("Mật ong rừng Na Hang", "mat ong rung na hang"),
        ("Ứng Hòa", "ung hoa"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_decomposed_input_folds_like_composed():
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Xuân Đài")) == fold("Xuân Đài") == "xuan dai"


def test_search_words():
    assert search_words(None) == []
    assert search_words("  Mật  ONG ") == ["mat", "ong"]
