"""Frameline's settings: environment variables with the prefix FRAMELINE_, or a `.env` file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Documented defaults for the cost of one second of render time, in the project's currency.
# A CPU second is priced like a general-purpose cloud core; a GPU second like an on-demand
# data-centre GPU hour (about 4.00 an hour). Studios set their own rates.
DEFAULT_RATE_CPU_SECOND = Decimal("0.000050")
DEFAULT_RATE_GPU_SECOND = Decimal("0.001100")
# Amazon Nova Canvas lists about 0.04 per standard image up to 1024x1024.
DEFAULT_RATE_BEDROCK_IMAGE = Decimal("0.040000")
# Per-million-token prices (input, output) of chat models; the offline planner costs nothing.
DEFAULT_MODEL_PRICES: dict[str, tuple[str, str]] = {
    "offline-planner": ("0", "0"),
    "anthropic.claude": ("3.00", "15.00"),
    "amazon.nova-pro": ("0.80", "3.20"),
    "amazon.nova-lite": ("0.06", "0.24"),
    "meta.llama": ("0.72", "0.72"),
    "mistral": ("2.00", "6.00"),
}


class Settings(BaseSettings):
    """Every setting in ../shared/INTERFACES.md, with its documented default."""

    model_config = SettingsConfigDict(
        env_prefix="FRAMELINE_", env_file=".env", extra="ignore", populate_by_name=True
    )

    home: Path = Field(default_factory=lambda: Path.home() / ".frameline")
    database_url: str | None = None
    chroma_url: str | None = None
    url: str | None = None  # a running server the CLI goes through
    api_key: str | None = None  # its key; else FRAMELINE_HOME/admin.key
    chat_model: str = "offline"
    bedrock_endpoint_url: str | None = None
    aws_region: str = "us-east-1"
    bedrock_guardrail_id: str | None = None
    bedrock_guardrail_version: str | None = None
    image_backend: Literal["previz", "diffusers", "bedrock"] = "previz"
    diffusers_model: Path | None = None
    diffusers_config: Path | None = None
    ip_adapter: Path | None = None
    c2pa_cert: Path | None = None
    c2pa_key: Path | None = None
    c2pa_alg: str = "es256"
    watermark: bool = True  # invisible watermark naming version and project on every frame
    c2pa: bool = True  # signed Content Credentials (installation certificate if none is set)
    embed_prompts: bool = True  # prompts in the file's metadata; always kept in the records
    device: str = "auto"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    broker_url: str | None = None
    broker_visibility_timeout: int = 3600
    worker_lost_after: float = 60.0
    max_jobs_per_person: int = 2
    max_jobs_per_project: int = 4
    daily_gpu_seconds_per_person: Decimal | None = None
    daily_gpu_seconds_per_project: Decimal | None = None
    debug: bool = False
    secure_cookies: bool | None = None  # None: on when serving on a non-loopback host
    face_threshold: float = 0.6
    max_upload_mb: int = 25
    currency: str = "USD"
    rate_cpu_second: Decimal = DEFAULT_RATE_CPU_SECOND
    rate_gpu_second: Decimal = DEFAULT_RATE_GPU_SECOND
    approval_cost: Decimal | None = None
    rate_bedrock_image: Decimal = DEFAULT_RATE_BEDROCK_IMAGE
    model_prices: dict[str, tuple[Decimal, Decimal]] = Field(
        default_factory=lambda: {
            k: (Decimal(i), Decimal(o)) for k, (i, o) in DEFAULT_MODEL_PRICES.items()
        }
    )
    default_model_price: tuple[Decimal, Decimal] = (Decimal("3.00"), Decimal("15.00"))

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("device")
    @classmethod
    def _check_device(cls, value: str) -> str:
        if value in {"auto", "cpu", "cuda"} or (value.startswith("cuda:") and value[5:].isdigit()):
            return value
        raise ValueError("FRAMELINE_DEVICE must be auto, cpu, cuda or cuda:N")

    @field_validator(
        "broker_visibility_timeout",
        "worker_lost_after",
        "max_jobs_per_person",
        "max_jobs_per_project",
    )
    @classmethod
    def _at_least_one(cls, value: float) -> float:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @field_validator("daily_gpu_seconds_per_person", "daily_gpu_seconds_per_project", mode="before")
    @classmethod
    def _unset_quota(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("daily_gpu_seconds_per_person", "daily_gpu_seconds_per_project")
    @classmethod
    def _quota_not_negative(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value < 0:
            raise ValueError("a daily quota cannot be negative")
        return value

    @field_validator("rate_cpu_second", "rate_gpu_second", "rate_bedrock_image")
    @classmethod
    def _positive_rate(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("render rates must be greater than 0")
        return value

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        if len(value) != 3 or not value.isalpha():
            raise ValueError("FRAMELINE_CURRENCY must be an ISO 4217 code such as USD")
        return value.upper()

    @property
    def records_url(self) -> str:
        """The SQLAlchemy URL of the records: the configured one or a SQLite file in home."""
        return self.database_url or f"sqlite:///{self.home / 'frameline.db'}"

    @property
    def vectors_path(self) -> Path:
        """Where the embedded vector store lives when no Chroma server is configured."""
        return self.home / "vectors"

    @property
    def assets_path(self) -> Path:
        """The content-addressed store of images and other files."""
        return self.home / "assets"
