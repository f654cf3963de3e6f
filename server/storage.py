"""Where uploaded files live: a local folder or an S3-compatible bucket, chosen by STORAGE_BACKEND."""

import json
import logging
import mimetypes
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import quote

log = logging.getLogger(__name__)

BACKENDS = ("local", "s3")
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class InvalidKey(ValueError):
    """A storage key that is empty, absolute, or climbs out of the storage root."""


class Storage(ABC):
    """What the app needs from a place to keep files; keys look like `photos/<uuid>/large.jpg`."""

    @abstractmethod
    def save(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        """Store `data` under `key`, replacing what was there; all of it or nothing."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; a key that is not there is not an error."""

    @abstractmethod
    def url_base(self) -> str:
        """What the address of every object starts with: the key, as the path of a URL, follows."""

    def url(self, key: str) -> str:
        """The address a browser fetches the object from."""
        return self.url_base() + url_path(key)

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""

    @abstractmethod
    def read(self, key: str) -> bytes:
        """The object's bytes; raises FileNotFoundError when there is none."""


# A key as the app writes them (`photos/<uuid>/large.jpg`): ASCII words, dots inside names only, so no
# empty, `.` or `..` part, and nothing a URL must escape.
PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*(?:/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)*")


def url_path(key):
    """The key as the path of a URL: checked (InvalidKey) and escaped. A plain key is both already, and
    is known as such by one match: a feed page builds ~650 addresses (issue 13)."""
    if isinstance(key, str) and PLAIN_KEY.fullmatch(key):
        return key
    return quote(check_key(key))


def check_key(key):
    """The key as given, or InvalidKey when it could name a file outside the storage."""
    if not isinstance(key, str) or not key or "\\" in key or "\0" in key:
        raise InvalidKey(f"Invalid storage key: {key!r}")
    parts = key.split("/")
    if key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise InvalidKey(f"Invalid storage key: {key!r}")
    return key


class LocalStorage(Storage):
    """Files under `root`, served by the app at `url_prefix`."""

    def __init__(self, root, url_prefix="/media/"):
        self.root = Path(root).resolve()
        self.url_prefix = url_prefix if url_prefix.endswith("/") else url_prefix + "/"

    def path(self, key):
        """The file behind a key; raises InvalidKey for keys that leave the root (symlinks too)."""
        path = (self.root / PurePosixPath(check_key(key))).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise InvalidKey(f"Invalid storage key: {key!r}")
        return path

    def save(self, key, data, content_type=DEFAULT_CONTENT_TYPE):
        # The content type comes back from the file name when the app serves the file.
        path = self.path(key)
        # Written beside the target, then renamed over it: a reader or a crash never sees half a file.
        descriptor, temporary = self._temporary_file(path.parent)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @staticmethod
    def _temporary_file(folder):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
        except FileNotFoundError:
            # A delete() just removed the folder, finding it empty; make it again, once.
            folder.mkdir(parents=True, exist_ok=True)
            return tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")

    def delete(self, key):
        path = self.path(key)
        path.unlink(missing_ok=True)
        # Leave no empty `photos/<uuid>/` folders behind; stop at the first folder still in use.
        for folder in path.parents:
            if folder == self.root or not folder.is_relative_to(self.root):
                break
            try:
                folder.rmdir()
            except OSError:
                break

    def url_base(self):
        return self.url_prefix

    def exists(self, key):
        return self.path(key).is_file()

    def read(self, key):
        return self.path(key).read_bytes()


class S3Storage(Storage):
    """Objects in an S3 bucket, or any S3-compatible service when `endpoint_url` is given."""

    def __init__(self, bucket, endpoint_url=None, region=None, client=None, public_url=None):
        if not bucket:
            raise ValueError("S3Storage needs a bucket name (set S3_BUCKET)")
        self.bucket = bucket
        self.endpoint_url = endpoint_url.rstrip("/") if endpoint_url else None
        self.region = region or "us-east-1"
        self.client = client or _s3_client(self.endpoint_url, self.region)
        # Where browsers fetch objects, when it is not where the app talks to (a CDN, a proxy).
        self.public_url = public_url.rstrip("/") if public_url else None

    def save(self, key, data, content_type=DEFAULT_CONTENT_TYPE):
        # No ACL: buckets made since 2023 refuse them; product photos are public by bucket policy.
        # A PUT is atomic: the object is either all there or not at all.
        self.client.put_object(
            Bucket=self.bucket,
            Key=check_key(key),
            Body=data,
            ContentType=content_type,
            CacheControl="public, max-age=31536000, immutable",
        )

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def url_base(self):
        if self.public_url:
            return f"{self.public_url}/"
        if self.endpoint_url:
            return f"{self.endpoint_url}/{self.bucket}/"
        return f"https://{self.bucket}.s3.{self.region}.amazonaws.com/"

    def exists(self, key):
        try:
            self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except self.client.exceptions.ClientError as error:
            if _is_missing(error):
                return False
            raise
        return True

    def read(self, key):
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except self.client.exceptions.ClientError as error:
            if _is_missing(error):
                raise FileNotFoundError(f"No object {key!r} in bucket {self.bucket!r}") from None
            raise
        with response["Body"] as body:
            return body.read()

    def ensure_bucket(self):
        """Create the bucket, readable by anyone, when it does not exist (tests, first setup).

        The app never calls it. An existing bucket is left as it is, policy included. On AWS the
        account's Block Public Access settings must allow the public-read policy.
        """
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except self.client.exceptions.ClientError as error:
            if not _is_missing(error):
                raise
        arguments = {"Bucket": self.bucket}
        if self.region != "us-east-1":
            # AWS refuses a location constraint of us-east-1, and needs one everywhere else.
            arguments["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        self.client.create_bucket(**arguments)
        self.client.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(self._public_read_policy()))

    def _public_read_policy(self):
        # Read only, objects only: nobody may list the bucket or write to it.
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicReadObjects",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{self.bucket}/*",
                }
            ],
        }


def _s3_client(endpoint_url, region):
    # Imported here so the local backend (the default) does not load botocore.
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
        # S3-compatible services (MinIO, Ceph, moto) expect bucket names in the path.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
    )
    # Credentials come from boto3's usual chain: environment, config files, instance role.
    # A session of its own: boto3's default session is not safe to share between threads.
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


def _is_missing(error):
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NoSuchBucket", "NotFound")


def storage_from_config(config: Mapping) -> Storage:
    """The storage STORAGE_BACKEND names: `local` (MEDIA_ROOT) or `s3` (S3_BUCKET, S3_ENDPOINT_URL, S3_REGION)."""
    backend = str(config.get("STORAGE_BACKEND") or "local").strip().lower()
    if backend == "local":
        return LocalStorage(config["MEDIA_ROOT"], url_prefix=config.get("MEDIA_URL_PREFIX") or "/media/")
    if backend == "s3":
        if not config.get("S3_BUCKET"):
            raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET to name the bucket")
        return S3Storage(
            config["S3_BUCKET"],
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region=config.get("S3_REGION") or None,
            public_url=config.get("S3_PUBLIC_URL") or None,
        )
    raise ValueError(
        f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {config.get('STORAGE_BACKEND')!r}"
    )


def content_type_for(key):
    """The media type a key's extension suggests (`.jpg` is image/jpeg)."""
    return mimetypes.guess_type(key)[0] or DEFAULT_CONTENT_TYPE


def save_all(storage: Storage, items: Mapping[str, bytes]) -> list[str]:
    """Save every object or none: when one save fails, delete those already saved and re-raise."""
    saved = []
    try:
        for key, data in items.items():
            storage.save(key, data, content_type_for(key))
            saved.append(key)
    except BaseException:
        for key in reversed(saved):
            try:
                storage.delete(key)
            except Exception:
                log.exception("Could not remove %s after a failed upload", key)
        raise
    return saved

