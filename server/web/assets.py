"""The app's static files: fingerprinted by their content, compressed once, cached by browsers forever.

A file `app/api.js` is served at `/assets/app/api.<hash>.js`; a new release changes the hash of what
changed, so phones fetch only that. The modules import each other by name ("app/api.js") through the
import map of the app shell, which points every name at its fingerprinted address.
"""

import gzip
import hashlib
import mimetypes
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import brotli

URL_PREFIX = "/assets/"
# Files kept beside the code that are not for browsers.
NOT_SERVED = {".md", ".txt"}
# Names modules import instead of file names (the vendored libraries).
MODULE_ALIASES = {"preact": "vendor/preact-htm.js", "idb": "vendor/idb.js"}
# Files the app fetches by name at run time (the translations, the icons).
RESOLVED = ("i18n/", "icons/")
# A static `import … from "name"`, `import "name"` or `export … from "name"` (not `import(…)`, which is
# fetched when the code runs).
STATIC_IMPORT = re.compile(r"""(?:^|[;}\s])(?:import\s*(?:[\w$*{},\s]+?\s*from\s*)?|export\s*(?:\*|\{[^}]*\})\s*from\s*)["']([^"']+)["']""")
CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".json": "application/json", ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json"}


@dataclass
class Asset:
    """One file: its bytes, where it is served, and its compressed forms (made on first request)."""

    name: str
    body: bytes
    digest: str = field(init=False)
    _encoded: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.digest = hashlib.sha256(self.body).hexdigest()[:12]

    @property
    def url(self):
        path = PurePosixPath(self.name)
        return f"{URL_PREFIX}{path.with_name(f'{path.stem}.{self.digest}{path.suffix}')}"

    @property
    def content_type(self):
        suffix = PurePosixPath(self.name).suffix
        return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    @property
    def compressible(self):
        return self.content_type.startswith(("text/", "application/json", "image/svg", "application/manifest"))

    def encoded(self, encoding):
        """The body in `encoding` ("br", "gzip" or "identity"), compressed once at the highest level."""
        if encoding == "identity" or not self.compressible:
            return self.body
        if encoding not in self._encoded:
            if encoding == "br":
                self._encoded[encoding] = brotli.compress(self.body, quality=11)
            else:
                self._encoded[encoding] = gzip.compress(self.body, compresslevel=9, mtime=0)
        return self._encoded[encoding]


class Assets:
    """Every file under `root`, plus generated ones (the translations), by name and by address."""

    def __init__(self, root, generated=None):
        self._lock = threading.Lock()
        self._static_imports = {}
        files = {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(Path(root).rglob("*"))
            if path.is_file() and path.suffix not in NOT_SERVED
        }
        files.update(generated or {})
        self.by_name = {name: Asset(name, body) for name, body in files.items()}
        self.by_url = {asset.url: asset for asset in self.by_name.values()}
        self.version = hashlib.sha256("".join(a.digest for a in self.by_name.values()).encode()).hexdigest()[:12]

    def url(self, name):
        return self.by_name[name].url

    def modules(self):
        """Names of the JavaScript modules, as they are imported."""
        return sorted(name for name in self.by_name if name.endswith(".js"))

    def static_imports(self, *names):
        """`names` and every module they import statically, at any depth: what must arrive before their
        code runs (dynamic `import()`s are not followed)."""
        if names not in self._static_imports:
            found, todo = set(), list(names)
            while todo:
                name = todo.pop()
                if name in found or name not in self.by_name:
                    continue
                found.add(name)
                text = self.by_name[name].body.decode("utf-8")
                todo += [MODULE_ALIASES.get(imported, imported) for imported in STATIC_IMPORT.findall(text)]
            self._static_imports[names] = frozenset(found)
        return self._static_imports[names]

    def import_map(self):
        """`{"imports": {name: address}}` for every module, the libraries by their package names, and the
        files the app fetches itself as "assets/<name>" (found with `import.meta.resolve`)."""
        imports = {alias: self.url(name) for alias, name in MODULE_ALIASES.items()}
        imports.update({name: self.url(name) for name in self.modules() if name.startswith("app/")})
        imports.update({f"assets/{name}": self.url(name) for name in self.by_name if name.startswith(RESOLVED)})
        return {"imports": imports}

    def find(self, url_path):
        return self.by_url.get(url_path)

    def encoded(self, asset, encoding):
        with self._lock:
            return asset.encoded(encoding)
