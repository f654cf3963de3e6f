"""gunicorn.conf.py's settings without its server hooks: how benchmarks/api.py serves its two ceilings
and the hand-written list pages (benchmarks/api_ceilings.py).

    gunicorn --config benchmarks/gunicorn_ceilings.conf.py 'benchmarks.api_ceilings:create_bare_app()'

The hooks (`when_ready`, `post_fork`, …) prepare the app itself (its lessons, its database engine)
and fail on any other app. Every setting is kept as gunicorn.conf.py has it now — workers, preload,
worker class, timeouts, recycling, request limits, logs — so the ceilings are served as the app is.
"""

import runpy
from pathlib import Path
from types import ModuleType

_PRODUCTION = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))

globals().update({
    name: value for name, value in _PRODUCTION.items()
    if not name.startswith("_") and not callable(value) and not isinstance(value, ModuleType)
})
