"""Documents in the versioned S3 bucket: every validation points at an immutable version."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from chalicelib.aws.clients import client


class DocumentMissing(Exception):
    def __init__(self, key: str, version_id: str | None = None):
        where = f"{key!r}" + (f" version {version_id!r}" if version_id else "")
        super().__init__(f"document {where} does not exist")
        self.key, self.version_id = key, version_id


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    version_id: str
    size: int
    metadata: dict[str, str]


class DocumentStore:
    def __init__(self, bucket: str):
        self.bucket = bucket

    def put(self, key: str, body: bytes, metadata: dict[str, str] | None = None) -> str:
        """Write a new version and return its version id."""
        response = client("s3").put_object(
            Bucket=self.bucket, Key=key, Body=body, ContentType="text/markdown; charset=utf-8", Metadata=metadata or {}
        )
        return response["VersionId"]

    def get(self, key: str, version_id: str | None = None) -> tuple[bytes, StoredObject]:
        kwargs = {"VersionId": version_id} if version_id else {}
        try:
            response = client("s3").get_object(Bucket=self.bucket, Key=key, **kwargs)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchKey", "NoSuchVersion", "404", "InvalidArgument"):
                raise DocumentMissing(key, version_id) from None
            raise
        body = response["Body"].read()
        return body, StoredObject(key, response.get("VersionId") or "null", len(body), response.get("Metadata", {}))

    def head(self, key: str) -> StoredObject:
        try:
            response = client("s3").head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
                raise DocumentMissing(key) from None
            raise
        return StoredObject(
            key, response.get("VersionId") or "null", response["ContentLength"], response.get("Metadata", {})
        )

    def hide(self, key: str) -> None:
        """Undo a write to a key TBCV wrote for itself alone (an inline document, a spilled
        issue list, a diff: each key is new per write) whose record could not be stored. In
        the versioned bucket this only adds a delete marker: the version stays until the
        bucket's lifecycle rule expires it. The functions may not delete object versions
        (docs/security.md), so no failure and no compromised function can destroy one."""
        client("s3").delete_object(Bucket=self.bucket, Key=key)

    def restore(self, key: str, version_id: str, *, replacing: str) -> str | None:
        """Undo a write of version `replacing` to a document: copy `version_id` (the version
        it replaced) back as the newest version, content and metadata. Returns the new
        version id, or None when `replacing` is no longer the newest (somebody wrote the
        document since: their version stays current)."""
        if self.head(key).version_id != replacing:
            return None
        response = client("s3").copy_object(
            Bucket=self.bucket,
            Key=key,
            CopySource={"Bucket": self.bucket, "Key": key, "VersionId": version_id},
            MetadataDirective="COPY",
        )
        return response["VersionId"]

    def list_keys(
        self, prefix: str, *, page_size: int, continuation_token: str | None = None
    ) -> tuple[list[str], str | None]:
        """One page of object keys under `prefix` and the token of the next page (None: last);
        a workflow works through a large prefix page by page."""
        kwargs = {"ContinuationToken": continuation_token} if continuation_token else {}
        response = client("s3").list_objects_v2(Bucket=self.bucket, Prefix=prefix, MaxKeys=page_size, **kwargs)
        keys = [entry["Key"] for entry in response.get("Contents", [])]
        return keys, response.get("NextContinuationToken") if response.get("IsTruncated") else None

    def reachable(self) -> bool:
        try:
            client("s3").head_bucket(Bucket=self.bucket)
            return True
        except ClientError:
            return False
