"""Training content: the real lessons validate, and broken copies fail at the right file and line."""

import re
import shutil

import pytest
from flask import Flask

from config import PROJECT_ROOT
from server.content import (
    LOCALES,
    MAX_WORDS_PER_LESSON,
    ONBOARDING_STEP_KEYS,
    ContentError,
    Problem,
    count_words,
    load_content,
    render_card,
    validate_content,
)
from server.content_cli import content as content_group
from server.services.onboarding import STEP_KEYS

CONTENT_DIR = PROJECT_ROOT / "training_content"
TRACK = "05-safe-payments"
LESSON = "03-never-share-otp"
VI = f"training_content/{TRACK}/{LESSON}.vi.md"
EN = f"training_content/{TRACK}/{LESSON}.en.md"

SPEC_TRACKS = [
    "getting-started",
    "product-photos",
    "titles-and-descriptions",
    "pricing-and-shipping",
    "safe-payments",
    "selling-channels",
    "ocop-and-product-story",
    "law-for-household-businesses",
]


@pytest.fixture
def content_copy(tmp_path):
    """A private copy of the real content that a test may break."""
    copy = tmp_path / "training_content"
    shutil.copytree(CONTENT_DIR, copy)
    return copy


def _edit(content_dir, relative, old, new):
    """Replace the one occurrence of `old`; return the file line where `new` starts."""
    path = content_dir.parent / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not unique in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _line_of(content_dir, relative, fragment):
    lines = (content_dir.parent / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if fragment in line)


def test_real_content_has_no_problems():
    assert [str(problem) for problem in validate_content(CONTENT_DIR)] == []


def test_real_content_covers_the_spec_tracks_in_both_locales():
    content = load_content(CONTENT_DIR)

    assert [track.slug for track in content.tracks] == SPEC_TRACKS
    for track in content.tracks:
        assert 3 <= len(track.lessons) <= 6
        assert [lesson.order for lesson in track.lessons] == sorted(lesson.order for lesson in track.lessons)
        for locale in LOCALES:
            assert track.title(locale) and track.description(locale)
        for lesson in track.lessons:
            assert lesson.track == track.slug
            assert set(lesson.texts) == set(LOCALES)
            assert lesson.action_step is None or lesson.action_step in ONBOARDING_STEP_KEYS
            vi, en = lesson.text("vi"), lesson.text("en")
            assert len(vi.cards) == len(en.cards)
            assert [(q.id, q.correct) for q in vi.quiz.questions] == [(q.id, q.correct) for q in en.quiz.questions]
            for text in (vi, en):
                words = sum(count_words(card.title) + count_words(card.markdown) for card in text.cards)
                assert words <= MAX_WORDS_PER_LESSON
                assert all(card.html.startswith("<h3>") for card in text.cards)


def test_lessons_are_found_by_slug_and_fall_back_to_vietnamese():
    content = load_content(CONTENT_DIR)

    lesson = content.lesson("vietqr-bank-transfer")

    assert lesson.action_step == "payout"
    assert lesson.text("fr") is lesson.text("vi")
    with pytest.raises(KeyError):
        content.lesson("no-such-lesson")


def test_action_steps_are_the_onboarding_steps():
    assert ONBOARDING_STEP_KEYS == set(STEP_KEYS)


def test_problem_reads_as_file_line_message():
    problem = Problem("training_content/02-photos/01-light.vi.md", 7, "quiz question q2 has no correct answer")

    assert str(problem) == "training_content/02-photos/01-light.vi.md:7: quiz question q2 has no correct answer"


def _missing_en_file(content_dir):
    (content_dir / TRACK / f"{LESSON}.en.md").unlink()
    return VI, 1, f"English version {LESSON}.en.md is missing"


def _answer_that_is_not_a_choice(content_dir):
    line = _edit(content_dir, VI, "      answer: c\n", "      answer: e\n")
    return VI, line, "quiz question q1: answer 'e' is not one of its choices (a, b, c)"


def _no_correct_answer(content_dir):
    line = _edit(content_dir, VI, "      answer: c\n", "      answer:\n")
    return VI, line, "quiz question q1 has no correct answer"


def _pass_mark_above_question_count(content_dir):
    line = _edit(content_dir, VI, "  pass_mark: 2\n", "  pass_mark: 4\n")
    return VI, line, "pass_mark 4 can never be reached with 3 questions"


def _too_many_words(content_dir):
    path = content_dir / TRACK / f"{LESSON}.vi.md"
    with path.open("a", encoding="utf-8") as lesson_file:
        lesson_file.write("\n" + "Đừng bấm vào đường link lạ. " * 60 + "\n")
    return VI, _line_of(content_dir, VI, "## Nếu lỡ bị lừa"), f"over the limit of {MAX_WORDS_PER_LESSON}"


def _duplicate_slug(content_dir):
    line = _edit(content_dir, VI, "slug: never-share-otp\n", "slug: vietqr-bank-transfer\n")
    _edit(content_dir, EN, "slug: never-share-otp\n", "slug: vietqr-bank-transfer\n")
    return VI, line, f"'vietqr-bank-transfer' is already used by training_content/{TRACK}/01-vietqr-bank-transfer.vi.md"


def _single_answer_question_with_two_answers(content_dir):
    line = _edit(content_dir, VI, "      answer: b\n", "      answer: [a, b]\n")
    return VI, line, "quiz question q2 takes one answer but lists 2 correct answers (a, b)"


def _question_ids_differ_between_locales(content_dir):
    line = _edit(content_dir, EN, "    - id: q3\n", "    - id: q4\n")
    return EN, line, "quiz question q4 is not in the Vietnamese version"


def _bad_yaml(content_dir):
    line = _edit(
        content_dir,
        VI,
        "      text: Ai được phép hỏi mã OTP của bạn?\n",
        "      text: Lưu ý: ai được phép hỏi mã OTP?\n",
    )
    return VI, line, "invalid YAML: mapping values are not allowed here"


def _unknown_onboarding_step(content_dir):
    path = f"training_content/{TRACK}/01-vietqr-bank-transfer.vi.md"
    line = _edit(content_dir, path, "  step: payout\n", "  step: bank_account\n")
    return path, line, "action step 'bank_account' is not an onboarding step"


def _fewer_cards_in_english(content_dir):
    _edit(content_dir, EN, "## The \"delivery person\" call\n", "")
    return EN, _line_of(content_dir, EN, "## An OTP is the key"), "lesson has 3 cards but the Vietnamese version"


def _track_with_too_few_lessons(content_dir):
    for locale in LOCALES:
        (content_dir / TRACK / f"{LESSON}.{locale}.md").unlink()
    path = f"training_content/{TRACK}/track.yaml"
    return path, 1, "track has 2 lessons; a track needs 3 to 6"


BREAKAGES = [
    _missing_en_file,
    _answer_that_is_not_a_choice,
    _no_correct_answer,
    _pass_mark_above_question_count,
    _too_many_words,
    _duplicate_slug,
    _single_answer_question_with_two_answers,
    _question_ids_differ_between_locales,
    _bad_yaml,
    _unknown_onboarding_step,
    _fewer_cards_in_english,
    _track_with_too_few_lessons,
]


@pytest.mark.parametrize("break_content", BREAKAGES, ids=lambda breakage: breakage.__name__.strip("_"))
def test_a_broken_lesson_is_reported_at_its_file_and_line(content_copy, break_content):
    path, line, message = break_content(content_copy)

    problems = validate_content(content_copy)

    assert any(
        problem.path == path and problem.line == line and message in problem.message for problem in problems
    ), "\n".join(map(str, problems))
    # Only the broken lesson or track is blamed, never the rest of the content.
    assert {problem.path.rsplit("/", 1)[0] for problem in problems} == {path.rsplit("/", 1)[0]}
    with pytest.raises(ContentError) as raised:
        load_content(content_copy)
    assert f"{path}:{line}: " in str(raised.value)


def test_script_in_a_card_never_reaches_the_html(content_copy):
    _edit(
        content_copy,
        VI,
        "## OTP là chìa khóa tài khoản\n",
        "## OTP là chìa khóa tài khoản\n\n<script>alert('otp')</script>\n\n"
        '<p onclick="steal()">Xem <a href="javascript:steal()">đây</a></p>\n',
    )

    card = load_content(content_copy).lesson("never-share-otp").text("vi").cards[0]

    assert "<script" not in card.html and "alert" not in card.html
    assert "onclick" not in card.html and "javascript:" not in card.html
    assert card.html.startswith("<h3>OTP là chìa khóa tài khoản</h3>")
    assert "Xem" in card.html


def test_card_html_keeps_only_basic_formatting():
    html = render_card(
        "Tiêu đề",
        '**đậm** *nghiêng* [Zalo](https://zalo.me) ![ảnh](anh.jpg "t")\n\n- một\n\n<iframe src="x"></iframe>'
        '<div style="color:red">chữ</div>',
    )

    assert "<strong>đậm</strong>" in html and "<em>nghiêng</em>" in html
    assert '<a href="https://zalo.me"' in html
    assert '<img src="anh.jpg" alt="ảnh">' in html
    assert "<li>một</li>" in html
    assert "<iframe" not in html and "<div" not in html and "style=" not in html and "title=" not in html


def _cli_app(content_dir):
    app = Flask(__name__)
    app.config["TRAINING_CONTENT_DIR"] = str(content_dir)
    return app


def test_validate_command_passes_on_the_real_content():
    result = _cli_app(CONTENT_DIR).test_cli_runner().invoke(content_group, ["validate"])

    assert result.exit_code == 0, result.output
    summary = re.fullmatch(r"(\d+) tracks, (\d+) lessons, 0 problems", result.output.strip())
    assert summary and int(summary[1]) >= len(SPEC_TRACKS) and int(summary[2]) >= 3 * len(SPEC_TRACKS)


def test_validate_command_fails_with_file_and_line(content_copy):
    path, line, message = _pass_mark_above_question_count(content_copy)

    result = _cli_app(content_copy).test_cli_runner().invoke(content_group, ["validate"])

    assert result.exit_code == 1
    assert f"{path}:{line}: quiz pass_mark 4 can never be reached" in result.output
    assert result.output.strip().endswith("problems")
