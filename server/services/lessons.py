"""The training content in memory: read and checked once per process, looked up by lesson slug.

24 lessons parse in a fraction of a second, so there are no content tables: `setup` validates the
files (and fails on any problem), and each process loads them the first time a lesson is asked for.
Editing the files takes effect when the app restarts.
"""

import threading
from pathlib import Path

from flask import current_app

from server.content import PRIMARY_LOCALE, load_content
from server.errors import NotFound

_lock = threading.Lock()
_loaded = {}


class LessonIndex:
    """Tracks in order, and every lesson by slug."""

    def __init__(self, content):
        self.tracks = content.tracks
        self.lessons = {lesson.slug: lesson for lesson in content.lessons}
        ordered = list(content.lessons)
        self._next = {lesson.slug: later.slug for lesson, later in zip(ordered, ordered[1:])}

    def lesson(self, slug):
        """The lesson with this slug; NotFound when there is none."""
        lesson = self.lessons.get(slug)
        if lesson is None:
            raise NotFound()
        return lesson

    def next_slug(self, slug):
        """The lesson a learner meets after this one, across tracks; None after the last."""
        return self._next.get(slug)


def card_count(lesson):
    """How many cards the lesson has (the same in every locale)."""
    return len(lesson.texts[PRIMARY_LOCALE].cards)


def quiz_of(lesson):
    """The quiz used for scoring: ids, pass mark and answers are the same in every locale."""
    return lesson.texts[PRIMARY_LOCALE].quiz


def load_index(directory, reload=False):
    """The index of the content under `directory`; raises ContentError listing every problem."""
    key = str(Path(directory).resolve())
    with _lock:
        if reload or key not in _loaded:
            _loaded[key] = LessonIndex(load_content(key))
        return _loaded[key]


def current_index():
    """The content of the running app (TRAINING_CONTENT_DIR), loaded on first use."""
    index = current_app.extensions.get("content")
    if index is None:
        index = load_index(current_app.config["TRAINING_CONTENT_DIR"])
        current_app.extensions["content"] = index
    return index
