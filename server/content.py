"""Training content as files: the trainer-editable format, its validator and its loader.

    training_content/
      01-getting-started/
        track.yaml                          slug, order, title {vi, en}, description {vi, en}
        01-what-is-selling-online.vi.md     YAML front matter between '---' lines, then the cards
        01-what-is-selling-online.en.md     the same lesson in English: same slug, ids and answers

Each card starts with a `## Title` line. training_content/README.md is the trainer's guide.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import nh3
import yaml
from markdown_it import MarkdownIt

LOCALES = ("vi", "en")
PRIMARY_LOCALE = "vi"
LOCALE_NAMES = {"vi": "Vietnamese", "en": "English"}

# The onboarding steps a lesson's "do it now" may point at: server.services.onboarding.STEP_KEYS,
# copied so that validating files never imports the database layer (a test keeps the two equal).
ONBOARDING_STEP_KEYS = frozenset(
    {
        "phone_verified",
        "consent",
        "profile",
        "shop",
        "payout",
        "first_product",
        "first_listing",
        "first_lesson",
        "first_sale_or_channel",
    }
)

LESSONS_PER_TRACK = (3, 6)
CARDS_PER_LESSON = (3, 6)
QUESTIONS_PER_QUIZ = (3, 5)
CHOICES_PER_QUESTION = (2, 6)
LESSON_MINUTES = (3, 5)
MAX_WORDS_PER_LESSON = 400

TRACK_FILE = "track.yaml"
_TRACK_KEYS = ("slug", "order", "title", "description")
_LESSON_KEYS = ("slug", "title", "minutes", "objective", "action", "quiz")
_ACTION_KEYS = ("step", "text")
_QUIZ_KEYS = ("pass_mark", "questions")
_QUESTION_KEYS = ("id", "text", "multiple", "choices", "answer")

_LESSON_FILE = re.compile(r"^(?P<number>\d+)-(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<locale>[a-z]+)\.md$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_CARD_HEADING = re.compile(r"^##\s+(?P<title>\S.*?)\s*#*\s*$")
# Link and image targets are addresses, not words a seller has to read.
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_WORD = re.compile(r"\w+")

# Cards are shown inside the PWA: simple formatting only, never scripts, styles, frames or handlers.
_ALLOWED_TAGS = {"p", "strong", "em", "ul", "ol", "li", "h3", "h4", "br", "a", "img"}
_ALLOWED_ATTRIBUTES = {"*": set(), "a": {"href"}, "img": {"src", "alt"}}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_markdown = MarkdownIt("commonmark")


class _ContentLoader(yaml.SafeLoader):
    """Safe YAML where only true/false are booleans, so a choice written `a: Yes` stays text."""


_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the content, at a file and line a trainer can open."""

    path: str
    line: int
    message: str

    def __str__(self):
        if not self.line:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """The training content has problems; `problems` lists them all."""

    def __init__(self, problems):
        self.problems = list(problems)
        listing = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the training content:\n{listing}")


@dataclass(frozen=True)
class Choice:
    """One answer a learner may pick."""

    id: str
    text: str


@dataclass(frozen=True)
class Question:
    """A quiz question; `correct` holds the ids of the right choices and must never leave the server."""

    id: str
    text: str
    multiple: bool
    choices: tuple[Choice, ...]
    correct: frozenset[str]


@dataclass(frozen=True)
class Quiz:
    """The questions at the end of a lesson and how many must be right to pass."""

    pass_mark: int
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Card:
    """One screen of a lesson: its title, its Markdown body and the sanitized HTML of both."""

    title: str
    markdown: str
    html: str


@dataclass(frozen=True)
class Action:
    """The "do it now" after a lesson, linked to an onboarding step where one fits."""

    text: str
    step: str | None = None


@dataclass(frozen=True)
class LessonText:
    """What a lesson says in one locale."""

    locale: str
    title: str
    objective: str
    action: Action | None
    cards: tuple[Card, ...]
    quiz: Quiz


@dataclass(frozen=True)
class Lesson:
    """A lesson in every locale; slug, minutes, card count and quiz answers are the same in all."""

    slug: str
    track: str
    order: int
    minutes: int
    texts: dict[str, LessonText] = field(hash=False)

    def text(self, locale):
        """The lesson in `locale`, or in Vietnamese when that locale is not written."""
        return self.texts.get(locale) or self.texts[PRIMARY_LOCALE]

    @property
    def action_step(self):
        """The onboarding step the lesson's action points at, if any."""
        action = self.texts[PRIMARY_LOCALE].action
        return action.step if action else None


@dataclass(frozen=True)
class Track:
    """A themed series of lessons, in order."""

    slug: str
    order: int
    titles: dict[str, str] = field(hash=False)
    descriptions: dict[str, str] = field(hash=False)
    lessons: tuple[Lesson, ...] = ()

    def title(self, locale):
        """The title in `locale`, or in Vietnamese."""
        return self.titles.get(locale) or self.titles[PRIMARY_LOCALE]

    def description(self, locale):
        """The description in `locale`, or in Vietnamese."""
        return self.descriptions.get(locale) or self.descriptions[PRIMARY_LOCALE]


@dataclass(frozen=True)
class Content:
    """Every track and lesson, sorted as learners see them."""

    tracks: tuple[Track, ...]

    @property
    def lessons(self):
        """All lessons, track by track."""
        return tuple(lesson for track in self.tracks for lesson in track.lessons)

    def lesson(self, slug):
        """The lesson with this slug; raises KeyError when there is none."""
        for lesson in self.lessons:
            if lesson.slug == slug:
                return lesson
        raise KeyError(slug)


@dataclass(frozen=True)
class ContentReport:
    """What `check_content` found: how many tracks and lessons, the problems, the content if none."""

    tracks: int
    lessons: int
    problems: tuple[Problem, ...]
    content: Content | None


def render_card(title, markdown):
    """Card HTML: the title as <h3>, then the body, sanitized to the few tags the PWA shows."""
    html = _markdown.render(f"### {title}\n\n{markdown}")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        clean_content_tags={"script", "style"},
    ).strip()


def count_words(text):
    """Words as a reader meets them; each Vietnamese syllable counts as one."""
    return len(_WORD.findall(_LINK_TARGET.sub("]", text)))


def check_content(directory):
    """Read and check every file under `directory`; bad content is reported, never raised."""
    return _Reader(Path(directory)).read()


def validate_content(directory):
    """Every problem in the content under `directory`, in file order; empty when all is well."""
    return list(check_content(directory).problems)


def load_content(directory):
    """All tracks and lessons in both locales; raises ContentError listing every problem."""
    report = check_content(directory)
    if report.problems:
        raise ContentError(report.problems)
    return report.content


class _Document:
    """A parsed YAML mapping that remembers the file line of each key."""

    def __init__(self, data, node, first_line):
        self.data = data
        self.node = node
        self.first_line = first_line

    def line(self, *keys):
        """File line of the deepest of `keys` that exists, e.g. line("quiz", "questions", 1, "answer")."""
        node = self.node
        line = node.start_mark.line if node is not None else 0
        for key in keys:
            child = None
            if isinstance(node, yaml.MappingNode):
                # The last duplicate wins, as it does for the loaded value.
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
                        line, child = key_node.start_mark.line, value_node
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if 0 <= key < len(node.value):
                    child = node.value[key]
                    line = child.start_mark.line
            if child is None:
                break
            node = child
        return self.first_line + line

    def duplicate_keys(self):
        """(line, key) for each key written twice in one mapping, which YAML would silently overwrite."""
        found = []
        pending = [self.node] if self.node is not None else []
        while pending:
            node = pending.pop()
            if isinstance(node, yaml.MappingNode):
                seen = set()
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        if key_node.value in seen:
                            found.append((self.first_line + key_node.start_mark.line, key_node.value))
                        seen.add(key_node.value)
                    pending.append(value_node)
            elif isinstance(node, yaml.SequenceNode):
                pending.extend(node.value)
        return sorted(found)


@dataclass
class _LessonFile:
    """One locale of one lesson as read, with what the cross-locale checks need."""

    path: Path
    locale: str
    document: _Document | None = None
    body_line: int = 1
    card_count: int | None = None
    slug: str | None = None
    minutes: int | None = None
    text: LessonText | None = None


class _Reader:
    """One pass over the content folder that collects every problem instead of stopping at the first."""

    def __init__(self, directory):
        self.directory = directory
        self.root = directory.resolve()
        self.problems = []
        self.primary_files = []
        self.track_count = 0
        self.lesson_count = 0

    def read(self):
        if not self.directory.is_dir():
            self._problem(self.directory, 0, "training content folder not found")
            return ContentReport(0, 0, tuple(self.problems), None)
        folders = sorted(
            path
            for path in self.directory.iterdir()
            if path.is_dir() and not path.name.startswith((".", "_"))
        )
        if not folders:
            self._problem(self.directory, 0, "no track folders found")
        tracks = [track for track in map(self._read_track, folders) if track is not None]
        self._check_unique_tracks(tracks)
        self._check_unique_lesson_slugs()
        tracks.sort(key=lambda pair: (pair[0].order or 0, pair[0].slug or ""))
        content = None if self.problems else Content(tuple(track for track, _ in tracks))
        return ContentReport(self.track_count, self.lesson_count, tuple(self.problems), content)

    # Problems

    def _display(self, path):
        """training_content/02-photos/01-light.vi.md, whatever folder the content was read from."""
        try:
            relative = path.resolve().relative_to(self.root)
        except ValueError:
            return path.as_posix()
        return (Path(self.root.name) / relative).as_posix()

    def _problem(self, path, line, message):
        self.problems.append(Problem(self._display(path), line, message))

    # YAML

    def _load_yaml(self, path, text, first_line):
        """A _Document, or None after recording why the YAML cannot be read."""
        try:
            node = yaml.compose(text, Loader=_ContentLoader)
            data = yaml.load(text, Loader=_ContentLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            line = first_line + mark.line if mark else first_line
            reason = getattr(error, "problem", None) or str(error)
            context = getattr(error, "context", None)
            detail = f"{context}, {reason}" if context else reason
            self._problem(
                path, line, f"invalid YAML: {detail} (check the indentation; quote text that contains ': ')"
            )
            return None
        document = _Document(data, node, first_line)
        for line, key in document.duplicate_keys():
            self._problem(path, line, f"key '{key}' is written twice; keep one")
        if not isinstance(data, dict):
            self._problem(path, first_line, "expected 'key: value' lines (a YAML mapping)")
            return None
        return document

    def _unknown_keys(self, path, document, mapping, allowed, *where):
        for key in mapping:
            if key not in allowed:
                self._problem(
                    path,
                    document.line(*where, key),
                    f"unknown field '{key}' (expected one of: {', '.join(allowed)})",
                )

    def _required_text(self, path, document, mapping, key, *where, label=None):
        text = _plain_text(mapping.get(key))
        if text:
            return text
        label = label or key
        if mapping.get(key) in (None, ""):
            self._problem(path, document.line(*where, key), f"{label} is missing")
        else:
            self._problem(path, document.line(*where, key), f"{label} must be text; put it in quotes")
        return None

    def _slug(self, path, document, mapping):
        slug = self._required_text(path, document, mapping, "slug")
        if slug and not _SLUG.match(slug):
            self._problem(
                path,
                document.line("slug"),
                f"slug '{slug}' may use only a-z, 0-9 and single dashes, e.g. what-is-ocop",
            )
        return slug

    # Tracks

    def _read_track(self, folder):
        """(Track, folder), or None when the track file cannot be read at all."""
        track_path = folder / TRACK_FILE
        if not track_path.is_file():
            self._problem(track_path, 1, f"missing: every track folder needs a {TRACK_FILE}")
            return None
        document = self._load_yaml(track_path, track_path.read_text(encoding="utf-8"), first_line=1)
        if document is None:
            return None
        self.track_count += 1
        data = document.data
        self._unknown_keys(track_path, document, data, _TRACK_KEYS)
        slug = self._slug(track_path, document, data)
        order = data.get("order")
        if not isinstance(order, int) or isinstance(order, bool):
            self._problem(track_path, document.line("order"), "order must be a whole number, e.g. 1")
            order = None
        titles = self._localized(track_path, document, data, "title")
        descriptions = self._localized(track_path, document, data, "description")
        lessons = self._read_lessons(folder, track_path, document, slug)
        return Track(slug, order, titles, descriptions, tuple(lessons)), folder

    def _localized(self, path, document, data, key):
        value = data.get(key)
        if not isinstance(value, dict):
            self._problem(path, document.line(key), f"{key} needs one line per language: vi: ... and en: ...")
            return {}
        texts = {}
        for locale in LOCALES:
            text = _plain_text(value.get(locale))
            if text:
                texts[locale] = text
            else:
                self._problem(
                    path, document.line(key, locale), f"{key} has no {LOCALE_NAMES[locale]} ({locale}) text"
                )
        for locale in value:
            if locale not in LOCALES:
                self._problem(
                    path, document.line(key, locale), f"unknown language '{locale}' in {key} (use vi and en)"
                )
        return texts

    def _check_unique_tracks(self, tracks):
        slugs, orders = {}, {}
        for track, folder in tracks:
            track_path = folder / TRACK_FILE
            if track.slug in slugs:
                self._problem(
                    track_path, 1, f"track slug '{track.slug}' is already used by {slugs[track.slug]}"
                )
            elif track.slug:
                slugs[track.slug] = self._display(track_path)
            if track.order in orders:
                self._problem(
                    track_path, 1, f"track order {track.order} is already used by {orders[track.order]}"
                )
            elif track.order is not None:
                orders[track.order] = self._display(track_path)

    def _check_unique_lesson_slugs(self):
        # Lessons are addressed by slug alone (/api/v1/lessons/{slug}), so a slug is unique across tracks.
        # Reported on the Vietnamese file; the English file must repeat its slug anyway.
        seen = {}
        for lesson_file in self.primary_files:
            if not lesson_file.slug:
                continue
            if lesson_file.slug in seen:
                self._problem(
                    lesson_file.path,
                    lesson_file.document.line("slug"),
                    f"lesson slug '{lesson_file.slug}' is already used by {seen[lesson_file.slug]}",
                )
            else:
                seen[lesson_file.slug] = self._display(lesson_file.path)

    # Lessons

    def _read_lessons(self, folder, track_path, track_document, track_slug):
        groups, names_by_number = {}, {}
        for path in sorted(folder.iterdir()):
            if path.is_dir() or path.suffix != ".md":
                continue
            match = _LESSON_FILE.match(path.name)
            if not match:
                self._problem(path, 1, "lesson file names look like 01-short-name.vi.md and .en.md")
                continue
            if match["locale"] not in LOCALES:
                self._problem(path, 1, f"unknown language '{match['locale']}' in the file name (vi or en)")
                continue
            number, name = int(match["number"]), match["name"]
            if names_by_number.setdefault(number, name) != name:
                self._problem(
                    path,
                    1,
                    f"lesson number {match['number']} is also used by {names_by_number[number]}; "
                    "give each lesson its own number",
                )
            groups.setdefault((number, name), {})[match["locale"]] = path

        self.lesson_count += len(groups)
        low, high = LESSONS_PER_TRACK
        if not low <= len(groups) <= high:
            self._problem(
                track_path,
                track_document.line("slug"),
                f"track has {len(groups)} lessons; a track needs {low} to {high}",
            )
        lessons = (
            self._read_lesson(number, paths, track_slug)
            for (number, _), paths in sorted(groups.items())
        )
        return [lesson for lesson in lessons if lesson is not None]

    def _read_lesson(self, number, paths, track_slug):
        # Vietnamese first: the other locales are compared with it.
        files = {
            locale: self._read_lesson_file(paths[locale], locale) for locale in LOCALES if locale in paths
        }
        present = next(iter(paths.values()))
        for locale in LOCALES:
            if locale not in paths:
                missing = present.name.removesuffix(".md").rsplit(".", 1)[0] + f".{locale}.md"
                self._problem(
                    present,
                    1,
                    f"the {LOCALE_NAMES[locale]} version {missing} is missing; "
                    "every lesson needs a vi and an en file",
                )
        primary = files.get(PRIMARY_LOCALE)
        if primary is not None and primary.document is not None:
            self.primary_files.append(primary)
            for locale, other in files.items():
                if locale != PRIMARY_LOCALE:
                    self._compare(primary, other)
        if len(files) < len(LOCALES) or any(lesson_file.text is None for lesson_file in files.values()):
            return None
        return Lesson(
            slug=primary.slug,
            track=track_slug,
            order=number,
            minutes=primary.minutes,
            texts={locale: lesson_file.text for locale, lesson_file in files.items()},
        )

    def _read_lesson_file(self, path, locale):
        lesson_file = _LessonFile(path, locale)
        problems_before = len(self.problems)
        try:
            text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            self._problem(path, 1, "the file is not UTF-8 text; save it as UTF-8")
            return lesson_file
        lines = text.splitlines()
        if not lines or lines[0].strip() != "---":
            self._problem(path, 1, "a lesson starts with a '---' line, its settings, then another '---' line")
            return lesson_file
        closing = next((index for index in range(1, len(lines)) if lines[index].strip() == "---"), None)
        if closing is None:
            self._problem(path, 1, "the settings opened by '---' on line 1 never end with another '---' line")
            return lesson_file
        # The front matter starts on file line 2; the YAML parser counts lines from 0.
        document = self._load_yaml(path, "\n".join(lines[1:closing]), first_line=2)
        if document is None:
            return lesson_file
        lesson_file.document = document
        body_start = closing + 2
        # Problems about the cards as a whole point at the first card, not at a blank line.
        lesson_file.body_line = next(
            (number for number, line in enumerate(lines[closing + 1 :], start=body_start) if line.strip()),
            body_start,
        )
        cards = self._read_cards(path, lines[closing + 1 :], body_start)
        lesson_file.card_count = len(cards)
        text = self._lesson_text(lesson_file, cards)
        # A lesson with problems is never served, so no half-valid text is kept.
        if len(self.problems) == problems_before:
            lesson_file.text = text
        return lesson_file

    def _read_cards(self, path, lines, first_line):
        sections = []  # (title, body lines, heading line)
        for line_number, raw in enumerate(lines, start=first_line):
            heading = _CARD_HEADING.match(raw)
            if heading:
                sections.append((heading["title"], [], line_number))
            elif sections:
                sections[-1][1].append(raw)
            elif raw.strip():
                self._problem(path, line_number, "text before the first card; each card starts '## Title'")

        low, high = CARDS_PER_LESSON
        if not low <= len(sections) <= high:
            # Too many: the first card over the limit. Too few: the first card, if any.
            line = sections[high if len(sections) > high else 0][2] if sections else first_line
            self._problem(
                path, line, f"lesson has {len(sections)} cards; it needs {low} to {high}, each starting '## '"
            )

        cards, words, limit_line = [], 0, None
        for title, body_lines, line_number in sections:
            body = "\n".join(body_lines).strip()
            if not body:
                self._problem(path, line_number, f"card '{title}' has no text")
            words += count_words(title) + count_words(body)
            if words > MAX_WORDS_PER_LESSON and limit_line is None:
                limit_line = line_number
            cards.append(Card(title=title, markdown=body, html=render_card(title, body)))
        if limit_line is not None:
            # Point at the card where the total goes over, which is where cutting helps most.
            self._problem(
                path,
                limit_line,
                f"lesson has {words} words in its cards, over the limit of {MAX_WORDS_PER_LESSON} "
                "from this card on: shorten the cards",
            )
        return tuple(cards)

    def _lesson_text(self, lesson_file, cards):
        path, document = lesson_file.path, lesson_file.document
        data = document.data
        self._unknown_keys(path, document, data, _LESSON_KEYS)
        lesson_file.slug = self._slug(path, document, data)
        title = self._required_text(path, document, data, "title")
        lesson_file.minutes = self._minutes(path, document, data.get("minutes"))
        objective = self._required_text(path, document, data, "objective")
        action = self._action(path, document, data.get("action"))
        quiz = self._quiz(path, document, data.get("quiz"))
        return LessonText(lesson_file.locale, title, objective, action, cards, quiz)

    def _minutes(self, path, document, minutes):
        line = document.line("minutes")
        low, high = LESSON_MINUTES
        if minutes is None:
            self._problem(path, line, f"minutes is missing (how long the lesson takes, {low} to {high})")
        elif not isinstance(minutes, int) or isinstance(minutes, bool):
            self._problem(path, line, "minutes must be a whole number")
        elif not low <= minutes <= high:
            self._problem(path, line, f"minutes is {minutes}; a lesson takes {low} to {high} minutes")
        else:
            return minutes
        return None

    def _action(self, path, document, action):
        if action is None:
            return None
        if not isinstance(action, dict):
            self._problem(path, document.line("action"), "action needs 'text:' and, where one fits, 'step:'")
            return None
        self._unknown_keys(path, document, action, _ACTION_KEYS, "action")
        text = self._required_text(path, document, action, "text", "action", label="action text")
        step = action.get("step")
        if step is not None and step not in ONBOARDING_STEP_KEYS:
            self._problem(
                path,
                document.line("action", "step"),
                f"action step '{step}' is not an onboarding step; use one of: "
                f"{', '.join(sorted(ONBOARDING_STEP_KEYS))}",
            )
        return Action(text=text, step=step)

    def _quiz(self, path, document, quiz):
        if not isinstance(quiz, dict):
            self._problem(path, document.line("quiz"), "quiz is missing: it needs pass_mark and questions")
            return None
        self._unknown_keys(path, document, quiz, _QUIZ_KEYS, "quiz")
        entries = quiz.get("questions")
        if not isinstance(entries, list):
            self._problem(
                path, document.line("quiz", "questions"), "quiz needs a list of questions, each '- id: ...'"
            )
            entries = []
        low, high = QUESTIONS_PER_QUIZ
        if not low <= len(entries) <= high:
            self._problem(
                path,
                document.line("quiz", "questions"),
                f"quiz has {len(entries)} questions; a quiz needs {low} to {high}",
            )
        questions, seen = [], set()
        for index, entry in enumerate(entries):
            question = self._question(path, document, index, entry)
            if question is None:
                continue
            if question.id in seen:
                self._problem(
                    path,
                    document.line("quiz", "questions", index, "id"),
                    f"quiz question id {question.id} is used twice",
                )
            seen.add(question.id)
            questions.append(question)
        pass_mark = self._pass_mark(path, document, quiz.get("pass_mark"), len(entries))
        return Quiz(pass_mark=pass_mark, questions=tuple(questions))

    def _pass_mark(self, path, document, pass_mark, question_count):
        line = document.line("quiz", "pass_mark")
        if pass_mark is None:
            self._problem(path, line, "quiz pass_mark is missing (how many answers must be right to pass)")
        elif not isinstance(pass_mark, int) or isinstance(pass_mark, bool):
            self._problem(path, line, "quiz pass_mark must be a whole number")
        elif pass_mark < 1:
            self._problem(path, line, "quiz pass_mark must be at least 1")
        elif pass_mark > question_count:
            self._problem(
                path,
                line,
                f"quiz pass_mark {pass_mark} can never be reached with {question_count} questions",
            )
        return pass_mark

    def _question(self, path, document, index, entry):
        where = ("quiz", "questions", index)
        if not isinstance(entry, dict):
            self._problem(
                path, document.line(*where), f"quiz question {index + 1} needs id, text, choices and answer"
            )
            return None
        self._unknown_keys(path, document, entry, _QUESTION_KEYS, *where)
        question_id = _identifier(entry.get("id"))
        if question_id is None:
            self._problem(
                path,
                document.line(*where, "id"),
                f"quiz question {index + 1} needs an id of letters, digits, '-' or '_', e.g. q{index + 1}",
            )
            question_id = f"#{index + 1}"
        label = f"quiz question {question_id}"
        text = self._required_text(path, document, entry, "text", *where, label=f"{label} text")
        multiple = entry.get("multiple", False)
        if not isinstance(multiple, bool):
            self._problem(path, document.line(*where, "multiple"), f"{label}: multiple must be true or false")
            multiple = False
        choices = self._choices(path, document, where, label, entry.get("choices"))
        choice_ids = [choice.id for choice in choices]
        correct = self._answer(path, document, where, label, entry.get("answer"), choice_ids, multiple)
        return Question(question_id, text, multiple, tuple(choices), correct)

    def _choices(self, path, document, where, label, entries):
        line = document.line(*where, "choices")
        if not isinstance(entries, dict):
            self._problem(path, line, f"{label} needs its choices written as 'a: text' lines")
            return []
        low, high = CHOICES_PER_QUESTION
        if not low <= len(entries) <= high:
            self._problem(path, line, f"{label} has {len(entries)} choices; it needs {low} to {high}")
        choices = []
        for key, value in entries.items():
            choice_id = _identifier(key)
            line = document.line(*where, "choices", key)
            text = _plain_text(value)
            if choice_id is None:
                self._problem(path, line, f"{label}: choice id {key!r} must be letters or digits, e.g. a")
            elif not text:
                reason = "has no text" if value in (None, "") else "must be text; put it in quotes"
                self._problem(path, line, f"{label}: choice {choice_id} {reason}")
            else:
                choices.append(Choice(choice_id, text))
        return choices

    def _answer(self, path, document, where, label, answer, choice_ids, multiple):
        line = document.line(*where, "answer")
        if answer in (None, "", []):
            self._problem(path, line, f"{label} has no correct answer (add e.g. 'answer: a')")
            return frozenset()
        listed = answer if isinstance(answer, list) else [answer]
        correct = []
        for item in listed:
            choice_id = _identifier(item)
            if choice_id is None:
                self._problem(path, line, f"{label}: answer {item!r} must be a choice id such as a or b")
            elif choice_id not in choice_ids:
                self._problem(
                    path,
                    line,
                    f"{label}: answer '{choice_id}' is not one of its choices ({', '.join(choice_ids)})",
                )
            else:
                correct.append(choice_id)
        if not multiple and len(listed) > 1:
            self._problem(
                path,
                line,
                f"{label} takes one answer but lists {len(listed)} correct answers "
                f"({', '.join(map(str, listed))}); keep one, or set 'multiple: true'",
            )
        return frozenset(correct)

    # Locales

    def _compare(self, primary, other):
        """Report on `other` where it differs from the Vietnamese file in what scoring and progress use."""
        if other.document is None:
            return
        path, document = other.path, other.document
        base = f"the Vietnamese version {primary.path.name}"
        if primary.slug and other.slug and primary.slug != other.slug:
            self._problem(
                path, document.line("slug"), f"slug '{other.slug}' differs from '{primary.slug}' in {base}"
            )
        if primary.minutes and other.minutes and primary.minutes != other.minutes:
            self._problem(
                path,
                document.line("minutes"),
                f"minutes {other.minutes} differs from {primary.minutes} in {base}",
            )
        primary_step, other_step = _action_step(primary.document.data), _action_step(other.document.data)
        if primary_step != other_step:
            self._problem(
                path,
                document.line("action", "step"),
                f"action step {other_step or 'none'} differs from {primary_step or 'none'} in {base}",
            )
        if primary.card_count and other.card_count and primary.card_count != other.card_count:
            # Progress events name cards by index, so both locales need the same cards.
            self._problem(
                path,
                other.body_line,
                f"lesson has {other.card_count} cards but {base} has {primary.card_count}; "
                "both languages need the same cards",
            )
        primary_quiz, other_quiz = primary.document.data.get("quiz"), other.document.data.get("quiz")
        if isinstance(primary_quiz, dict) and isinstance(other_quiz, dict):
            self._compare_quiz(path, document, primary_quiz, other_quiz, base)

    def _compare_quiz(self, path, document, primary_quiz, other_quiz, base):
        if primary_quiz.get("pass_mark") != other_quiz.get("pass_mark"):
            self._problem(
                path,
                document.line("quiz", "pass_mark"),
                f"quiz pass_mark {other_quiz.get('pass_mark')} differs from "
                f"{primary_quiz.get('pass_mark')} in {base}",
            )
        primary_questions, other_questions = _questions_by_id(primary_quiz), _questions_by_id(other_quiz)
        for question_id, (index, _) in other_questions.items():
            if question_id not in primary_questions:
                self._problem(
                    path,
                    document.line("quiz", "questions", index, "id"),
                    f"quiz question {question_id} is not in {base}, which has "
                    f"{', '.join(primary_questions) or 'no questions'}; question ids must match",
                )
        for question_id in primary_questions:
            if question_id not in other_questions:
                self._problem(
                    path,
                    document.line("quiz", "questions"),
                    f"quiz question {question_id} of {base} is missing here",
                )
        shared = [question_id for question_id in primary_questions if question_id in other_questions]
        if shared != [question_id for question_id in other_questions if question_id in primary_questions]:
            self._problem(
                path,
                document.line("quiz", "questions"),
                f"quiz questions are in a different order than in {base}",
            )
        for question_id in shared:
            _, mine = primary_questions[question_id]
            index, theirs = other_questions[question_id]
            where = ("quiz", "questions", index)
            label = f"quiz question {question_id}"
            if mine.get("multiple", False) != theirs.get("multiple", False):
                self._problem(
                    path, document.line(*where, "multiple"), f"{label}: multiple differs from {base}"
                )
            if _choice_ids(mine) != _choice_ids(theirs):
                self._problem(
                    path,
                    document.line(*where, "choices"),
                    f"{label}: choice ids {_listing(_choice_ids(theirs))} differ from "
                    f"{_listing(_choice_ids(mine))} in {base}",
                )
            if _answer_ids(mine) != _answer_ids(theirs):
                self._problem(
                    path,
                    document.line(*where, "answer"),
                    f"{label}: answer {_listing(sorted(_answer_ids(theirs)))} differs from "
                    f"{_listing(sorted(_answer_ids(mine)))} in {base}",
                )


def _plain_text(value):
    """Stripped text; a number a trainer typed (`a: 500`) is text too, a list or a date is not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return value.strip() if isinstance(value, str) else None


def _identifier(value):
    """A question or choice id as text; YAML reads `1` as a number, which is fine here."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value)
    return text if _ID.match(text) else None


def _action_step(data):
    action = data.get("action")
    return action.get("step") if isinstance(action, dict) else None


def _questions_by_id(quiz):
    """{question id: (index, raw question)} in file order, first of each id only."""
    entries = quiz.get("questions")
    found = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict):
            question_id = _identifier(entry.get("id"))
            if question_id is not None and question_id not in found:
                found[question_id] = (index, entry)
    return found


def _choice_ids(question):
    choices = question.get("choices")
    return [str(key) for key in choices] if isinstance(choices, dict) else []


def _answer_ids(question):
    answer = question.get("answer")
    listed = answer if isinstance(answer, list) else [answer]
    return {str(item) for item in listed if item not in (None, "")}


def _listing(ids):
    return ", ".join(ids) or "none"
