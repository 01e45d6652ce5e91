"""All runtime configuration, read once from the environment and validated.

Every variable is `TBCV_<FIELD>` (upper case). A bad value fails at cold start with the
variable's name, instead of surfacing later as a confusing runtime error.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as UnparsableValue

_PREFIX = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*/$"  # an S3 key prefix: relative, ends with "/"

Role = Literal["reader", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("reader", "reviewer", "admin")  # each role may also do what the earlier ones may
MIN_TOKEN_CHARS = 8


class TokenGrant(BaseModel):
    """Who a bearer token is and what it may do (docs/security.md)."""

    model_config = {"frozen": True, "extra": "forbid"}

    principal: str = Field(min_length=1, max_length=128)
    roles: tuple[Role, ...] = Field(min_length=1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TBCV_", extra="ignore", frozen=True)

    stage: str = Field(default="local", pattern=r"^[a-z][a-z0-9-]{0,15}$")  # as the template's Stage
    region: str = Field(default="us-east-1")
    documents_bucket: str = "tbcv-local-documents"
    watched_prefix: str = Field(default="docs/", pattern=_PREFIX)
    inline_prefix: str = Field(default="inline/", pattern=_PREFIX)
    exports_prefix: str = Field(default="exports/", pattern=_PREFIX)
    validations_table: str = "tbcv-local-validations"
    audit_table: str = "tbcv-local-audit"
    recommendations_table: str = "tbcv-local-recommendations"
    enhancements_table: str = "tbcv-local-enhancements"
    max_change_ratio: float = Field(default=0.5, gt=0, le=1)  # safety gate of enhancements
    system_table: str = "tbcv-local-system"
    upload_queue: str = "tbcv-local-uploads"
    workflows_table: str = "tbcv-local-workflows"
    workflow_items_table: str = "tbcv-local-workflow-items"
    uploads_table: str = "tbcv-local-uploads"
    state_machine_arn_prefix: str = "arn:aws:states:us-east-1:123456789012:stateMachine:tbcv-local-"
    upload_retention_days: int = Field(default=30, gt=0)
    workflow_gate_seconds: int = Field(default=2, ge=1, le=300)  # wait of an item held by a pause
    upload_dlq: str = "tbcv-local-uploads-dlq"
    validate_batch_state_machine: str = ""  # ARN; probed by get_system_status
    allowed_origins: tuple[str, ...] = ()  # browser origins allowed on /mcp besides localhost
    result_cache_days: int = Field(default=30, gt=0)
    timings_flush_seconds: float = Field(default=10.0, ge=0, le=3600)  # latency histograms are written in batches
    maintenance_cache_seconds: float = Field(default=2.0, ge=0, le=60)  # how long a container trusts its flag
    max_document_bytes: int = Field(default=1024 * 1024, gt=0)
    issues_inline_limit_bytes: int = Field(default=300 * 1024, gt=0)
    max_issues_per_report: int = Field(default=1000, gt=0)  # a report keeps the most severe ones (truncated)
    max_issues_per_rule: int = Field(default=500, gt=0)
    metrics_file: str = ""  # append EMF lines here instead of stdout (`make run` keeps its console readable)
    api_token: str | None = None  # the single local token (docs/configuration.md)
    # JSON: token -> {"principal": ..., "roles": [...]}; the older token -> principal form is an admin
    api_tokens: dict[str, TokenGrant] = Field(default_factory=dict)
    api_tokens_secret: str = ""  # Secrets Manager id of {sha256(token): grant} (deployed stages)
    session_secret: str | None = Field(default=None, min_length=32)  # signs web sessions (docs/web.md)
    session_hours: float = Field(default=8, gt=0, le=24 * 7)  # web session lifetime
    validation_retention_days: int = Field(default=365, gt=0)
    audit_retention_days: int = Field(default=730, gt=0)
    default_family: str | None = None
    default_profile: str = "default"
    connections_table: str = "tbcv-local-connections"  # WebSocket connections and subscriptions
    ws_endpoint: str | None = None  # the WebSocket API's management endpoint (https://<api>.execute-api…/<stage>)
    ws_connection_ttl_seconds: int = Field(default=2 * 60 * 60 + 600, gt=0)  # API Gateway closes after 2 h
    ws_max_subscriptions: int = Field(default=20, ge=1, le=1000)  # topics per connection

    @field_validator("api_tokens", mode="before")
    @classmethod
    def _grants(cls, value):
        return grants_of(value) if isinstance(value, dict) else value

    @field_validator("api_tokens")
    @classmethod
    def _long_enough(cls, value):
        short = [token for token in value if len(token) < MIN_TOKEN_CHARS]
        if short:
            raise ValueError(f"tokens must be at least {MIN_TOKEN_CHARS} characters")
        return value

    @field_validator("api_token")
    @classmethod
    def _single_long_enough(cls, value):
        if value is not None and len(value) < MIN_TOKEN_CHARS:
            raise ValueError(f"the token must be at least {MIN_TOKEN_CHARS} characters")
        return value


def grants_of(tokens: dict) -> dict:
    """token -> grant, the older token -> principal form read as an admin grant."""
    return {
        token: {"principal": grant, "roles": ["admin"]} if isinstance(grant, str) else grant
        for token, grant in tokens.items()
    }


def parse_grants(tokens: dict) -> dict[str, TokenGrant]:
    """Validated grants of a token file (scripts/deploy), with the API's own rules."""
    from pydantic import TypeAdapter

    return TypeAdapter(dict[str, TokenGrant]).validate_python(grants_of(tokens))


class SettingsError(RuntimeError):
    """Raised at cold start when an environment variable has a bad value."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        names = ", ".join(f"TBCV_{str(e['loc'][0]).upper()}: {e['msg']}" for e in error.errors())
        raise SettingsError(f"invalid configuration: {names}") from None
    except UnparsableValue as error:  # a JSON-typed variable that is not JSON
        field = str(error).split('"')[1] if '"' in str(error) else "?"
        raise SettingsError(f"invalid configuration: TBCV_{field.upper()}: not valid JSON") from None
