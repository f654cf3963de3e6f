"""Folding Vietnamese text for searches that ignore accents and case."""

import unicodedata

from sqlalchemy import literal

_D_STROKE = str.maketrans({"đ": "d", "Đ": "d"})
_D_STROKE_CASED = str.maketrans({"đ": "d", "Đ": "D"})


def without_accents(text):
    """"Hội Liên hiệp Phụ nữ tỉnh Tuyên Quang" -> "Hoi Lien hiep Phu nu tinh Tuyen Quang" (case kept),
    for SMS that must stay in the GSM-7 alphabet."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_STROKE_CASED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text):
    """Lower-case, without diacritics, "đ" as "d", spaces collapsed: "Xuân Đài" -> "xuan dai"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_STROKE))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


def word_start(folded_column, word):
    """SQL condition: some word of the folded text starts with `word` ("rung" finds "rừng", not "trứng")."""
    return (literal(" ") + folded_column).contains(" " + word, autoescape=True)


def search_words(query):
    """The folded words of a search query; empty when there is nothing to search."""
    return fold(query or "").split()


def clip_words(text, length):
    """At most `length` characters, cut between words when there is a space to cut at; a first word
    longer than that is cut where the length ends."""
    if len(text) <= length:
        return text
    cut = text[:length + 1].rsplit(" ", 1)[0]
    return (cut if cut and len(cut) <= length else text[:length]).rstrip()
