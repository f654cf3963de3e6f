"""Storage backends: the local folder, and S3 through a real S3-compatible HTTP server (moto's)."""

import os
import urllib.error
import urllib.request
import uuid

import boto3
import pytest

from server.storage import (
    InvalidKey,
    LocalStorage,
    S3Storage,
    Storage,
    save_all,
    storage_from_config,
)

REGION = "ap-southeast-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
JPEG = b"\xff\xd8\xff\xe0 not really a photo \xff\xd9"


def photo_keys():
    photo_id = uuid.uuid4()
    return {f"photos/{photo_id}/{name}.jpg": f"{name} bytes".encode() for name in ("large", "medium", "thumb")}


class FailingOnSave(Storage):
    """Wraps a storage; the n-th save fails as a full disk or a dropped connection would."""

    def __init__(self, inner, fail_on):
        self.inner, self.fail_on, self.saves = inner, fail_on, 0

    def save(self, key, data, content_type="application/octet-stream"):
        self.saves += 1
        if self.saves == self.fail_on:
            raise OSError("No space left on device")
        self.inner.save(key, data, content_type)

    def delete(self, key):
        self.inner.delete(key)

    def url_base(self):
        return self.inner.url_base()

    def exists(self, key):
        return self.inner.exists(key)

    def read(self, key):
        return self.inner.read(key)


def files_under(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if not path.is_dir())


# --- Local ------------------------------------------------------------------------------------


@pytest.fixture
def media(tmp_path):
    return tmp_path / "media"


@pytest.fixture
def local(media):
    return LocalStorage(media)


def test_local_round_trip(local, media):
    key = "photos/1b9d/large.jpg"
    assert not local.exists(key)

    local.save(key, JPEG, "image/jpeg")

    assert local.exists(key)
    assert local.read(key) == JPEG
    assert (media / "photos" / "1b9d" / "large.jpg").read_bytes() == JPEG
    assert local.url(key) == "/media/photos/1b9d/large.jpg"

    local.delete(key)
    assert not local.exists(key)
    assert list(media.iterdir()) == []  # no empty photos/<id>/ folders left
    local.delete(key)  # deleting again is not an error
    with pytest.raises(FileNotFoundError):
        local.read(key)


def test_local_save_replaces_and_leaves_no_temporary_files(local, media):
    local.save("photos/a/thumb.jpg", b"first")
    local.save("photos/a/thumb.jpg", b"second")
    assert local.read("photos/a/thumb.jpg") == b"second"
    assert files_under(media) == ["photos/a/thumb.jpg"]


def test_local_url_prefix(media):
    assert LocalStorage(media, url_prefix="/static/media").url("photos/a/b c.jpg") == (
        "/static/media/photos/a/b%20c.jpg"
    )


def test_a_failed_local_write_leaves_nothing_half_written(local, media, monkeypatch):
    local.save("photos/a/large.jpg", b"the old photo")

    def disk_full(descriptor):
        raise OSError("No space left on device")

    monkeypatch.setattr("server.storage.os.fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        local.save("photos/a/large.jpg", b"a new photo that does not fit")
    with pytest.raises(OSError, match="No space"):
        local.save("photos/a/medium.jpg", b"another")

    assert files_under(media) == ["photos/a/large.jpg"]
    assert local.read("photos/a/large.jpg") == b"the old photo"


@pytest.mark.parametrize(
    "key",
    [
        "../outside.jpg",
        "photos/../../outside.jpg",
        "photos/a/../../../outside.jpg",
        "/etc/passwd",
        "",
        "photos//large.jpg",
        "photos/./large.jpg",
        "photos/",
        "..",
        "photos\\..\\..\\outside.jpg",
        "photos/a\0.jpg",
    ],
)
def test_local_refuses_keys_that_could_leave_the_root(local, media, key):
    for action in (
        lambda: local.save(key, b"x"),
        lambda: local.read(key),
        lambda: local.exists(key),
        lambda: local.delete(key),
        lambda: local.url(key),
    ):
        with pytest.raises(InvalidKey):
            action()
    assert not (media.parent / "outside.jpg").exists()
    assert not media.exists() or files_under(media) == []


def test_local_refuses_a_symlink_out_of_the_root(local, media, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    media.mkdir()
    (media / "photos").symlink_to(outside)
    with pytest.raises(InvalidKey):
        local.save("photos/large.jpg", b"x")
    assert list(outside.iterdir()) == []


def test_invalid_key_is_a_value_error():
    assert issubclass(InvalidKey, ValueError)


# --- save_all ---------------------------------------------------------------------------------


def test_save_all_saves_everything_with_content_types(local):
    items = photo_keys()
    assert save_all(local, items) == list(items)
    for key, data in items.items():
        assert local.read(key) == data


def test_save_all_passes_the_content_type_of_each_key():
    seen = {}

    class Recording(FailingOnSave):
        def save(self, key, data, content_type="application/octet-stream"):
            seen[key] = content_type

    save_all(Recording(None, fail_on=0), {"photos/a/large.jpg": b"x", "exports/a.csv": b"y"})
    assert seen == {"photos/a/large.jpg": "image/jpeg", "exports/a.csv": "text/csv"}


def test_save_all_removes_what_it_saved_when_the_third_save_fails(local, media):
    failing = FailingOnSave(local, fail_on=3)
    items = photo_keys()

    with pytest.raises(OSError, match="No space"):
        save_all(failing, items)

    assert failing.saves == 3
    assert not media.exists() or files_under(media) == []
    for key in items:
        assert not local.exists(key)


# --- Choosing a backend -----------------------------------------------------------------------


def test_storage_from_config_local(media):
    storage = storage_from_config({"STORAGE_BACKEND": "local", "MEDIA_ROOT": str(media)})
    assert isinstance(storage, LocalStorage)
    assert storage.root == media.resolve()


def test_storage_from_config_refuses_an_unknown_backend(media):
    with pytest.raises(ValueError, match="STORAGE_BACKEND must be one of local, s3, not 'ftp'"):
        storage_from_config({"STORAGE_BACKEND": "ftp", "MEDIA_ROOT": str(media)})


def test_storage_from_config_s3_needs_a_bucket():
    with pytest.raises(ValueError, match="S3_BUCKET"):
        storage_from_config({"STORAGE_BACKEND": "s3", "S3_BUCKET": "", "S3_REGION": REGION})


def test_s3_urls_without_an_endpoint_are_aws_virtual_hosted():
    storage = S3Storage("cho-que-photos", None, REGION, client=object())
    assert storage.url("photos/a/large.jpg") == (
        "https://cho-que-photos.s3.ap-southeast-1.amazonaws.com/photos/a/large.jpg"
    )
    with pytest.raises(InvalidKey):
        storage.url("../x")


def test_s3_urls_with_a_public_address():
    storage = S3Storage("b", "http://minio:9000", REGION, client=object(), public_url="https://cdn.example.vn/")
    assert storage.url("photos/a/large.jpg") == "https://cdn.example.vn/photos/a/large.jpg"


# --- S3 against moto's standalone server ------------------------------------------------------


@pytest.fixture
def s3(s3_endpoint):
    """A fresh public-read bucket, through a client with dummy credentials."""
    client = boto3.session.Session().client("s3", endpoint_url=s3_endpoint, region_name=REGION, **CREDENTIALS)
    storage = S3Storage(f"photos-{uuid.uuid4().hex[:12]}", s3_endpoint, REGION, client=client)
    storage.ensure_bucket()
    return storage


def http_get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type"), response.read()


def bucket_keys(storage):
    listing = storage.client.list_objects_v2(Bucket=storage.bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_s3_round_trip_through_a_real_http_server(s3, s3_endpoint):
    key = f"photos/{uuid.uuid4()}/large.jpg"
    assert not s3.exists(key)

    s3.save(key, JPEG, "image/jpeg")

    assert s3.exists(key)
    assert s3.read(key) == JPEG
    url = s3.url(key)
    assert url == f"{s3_endpoint}/{s3.bucket}/{key}"
    assert http_get(url) == (200, "image/jpeg", JPEG)

    s3.delete(key)
    assert not s3.exists(key)
    assert bucket_keys(s3) == []
    with pytest.raises(urllib.error.HTTPError):
        http_get(url)
    with pytest.raises(FileNotFoundError):
        s3.read(key)
    s3.delete(key)  # deleting again is not an error


def test_s3_ensure_bucket_is_idempotent(s3):
    s3.save("photos/a/thumb.jpg", b"kept")
    s3.ensure_bucket()
    assert s3.read("photos/a/thumb.jpg") == b"kept"


def test_s3_save_all_removes_what_it_saved_when_the_third_save_fails(s3):
    failing = FailingOnSave(s3, fail_on=3)
    with pytest.raises(OSError, match="No space"):
        save_all(failing, photo_keys())
    assert failing.saves == 3
    assert bucket_keys(s3) == []


def test_storage_from_config_s3_round_trip(s3_endpoint, monkeypatch, tmp_path):
    # The app's own client reads credentials the usual way: here from the environment only.
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    bucket = f"cho-que-{uuid.uuid4().hex[:12]}"

    storage = storage_from_config(
        {
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": s3_endpoint + "/",
            "S3_REGION": REGION,
            "MEDIA_ROOT": str(tmp_path),
        }
    )
    assert isinstance(storage, S3Storage)
    storage.ensure_bucket()
    items = photo_keys()
    save_all(storage, items)

    for key, data in items.items():
        assert storage.url(key) == f"{s3_endpoint}/{bucket}/{key}"
        assert http_get(storage.url(key)) == (200, "image/jpeg", data)
        assert storage.client.head_object(Bucket=bucket, Key=key)["ContentType"] == "image/jpeg"
