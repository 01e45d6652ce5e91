"""Document operations: put a Markdown page into the documents bucket and read a version
back. `tbcv docs put/get` call these, so nobody needs boto3 and credentials to load pages
into a stack. A page put under the watched prefix is validated by the upload pipeline,
as any upload there is."""

from __future__ import annotations

from urllib.parse import quote

from pydantic import BaseModel, Field

from chalicelib.ops.catalogue import operation
from chalicelib.ops.context import OperationContext
from chalicelib.ops.errors import InvalidInput, PayloadTooLarge
from chalicelib.ops.fields import DocumentPath, Family, OperationInput, Profile
from chalicelib.ops.validation import MAX_KEY_BYTES, PATH_METADATA, document_path, read_document


class PutDocumentIn(OperationInput):
    key: DocumentPath = Field(description="S3 key of the page under the watched prefix, ending in .md")
    content: str = Field(description="The Markdown page (UTF-8 text, at most 1 MiB by default)")
    family: Family | None = Field(default=None, description="Stored as the object's tbcv-family metadata")
    profile: Profile | None = Field(default=None, description="Stored as the object's tbcv-profile metadata")


class GetDocumentIn(OperationInput):
    key: DocumentPath = Field(description="S3 key under the watched prefix, or of inline content (inline/...)")
    version_id: str | None = Field(
        default=None, max_length=1024, description="The version to read; the latest when omitted"
    )


class StoredDocumentOut(BaseModel):
    bucket: str
    key: str
    version_id: str
    path: str = Field(description="The page's path as the user named it (see get_validation's document.path)")
    size: int = Field(description="Bytes")


class DocumentContentOut(StoredDocumentOut):
    content: str
    family: str | None = Field(description="The object's tbcv-family metadata")
    profile: str | None = Field(description="The object's tbcv-profile metadata")


@operation(
    "put_document",
    category="validation",
    title="Put a page into the documents bucket",
    method="POST",
    path="/v1/documents",
    success_status=201,
)
def put_document(context: OperationContext, params: PutDocumentIn) -> StoredDocumentOut:
    """Store a Markdown page as a new version of `key` (under the watched prefix, ending in
    .md). Like any upload there, the upload pipeline then validates it; find the result
    with get_validation_history."""
    watched = context.settings.watched_prefix
    if not params.key.startswith(watched):
        raise InvalidInput(f"key must be under the watched prefix {watched!r}", field="key")
    if not params.key.endswith(".md"):
        raise InvalidInput("key must name a Markdown page (ending in .md)", field="key")
    if len(params.key.encode()) > MAX_KEY_BYTES:
        raise InvalidInput(f"key is longer than S3's {MAX_KEY_BYTES} bytes", field="key")
    body = params.content.encode("utf-8", errors="surrogatepass")
    if len(body) > context.settings.max_document_bytes:
        raise PayloadTooLarge(
            f"content is {len(body)} bytes; the limit is {context.settings.max_document_bytes}", field="content"
        )
    metadata = {PATH_METADATA: quote(params.key, safe="/")}
    metadata |= {"tbcv-family": params.family} if params.family else {}
    metadata |= {"tbcv-profile": params.profile} if params.profile else {}
    version_id = context.documents.put(params.key, body, metadata)
    return StoredDocumentOut(
        bucket=context.documents.bucket, key=params.key, version_id=version_id, path=params.key, size=len(body)
    )


@operation(
    "get_document",
    category="validation",
    title="Get a page from the documents bucket",
    method="GET",
    path="/v1/documents",
    read_only=True,
    idempotent=True,
)
def get_document(context: OperationContext, params: GetDocumentIn) -> DocumentContentOut:
    """The text of one version of a page (the latest when `version_id` is omitted): a page
    under the watched prefix or the stored copy of inline content. Every validation names
    the exact version it checked (document.key, document.version_id)."""
    allowed = (context.settings.watched_prefix, context.settings.inline_prefix)
    if not params.key.startswith(allowed):
        raise InvalidInput(f"key must be under {' or '.join(repr(p) for p in allowed)}", field="key")
    text, stored = read_document(context, params.key, params.version_id)
    return DocumentContentOut(
        bucket=context.documents.bucket,
        key=params.key,
        version_id=stored.version_id,
        path=document_path(params.key, context.settings.inline_prefix),
        size=stored.size,
        content=text,
        family=stored.metadata.get("tbcv-family"),
        profile=stored.metadata.get("tbcv-profile"),
    )
