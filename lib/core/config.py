"""Settings read from the environment, `.streamlit/secrets.toml`, then safe defaults.

The cookie signing key is never a default: it comes from `PORTE_VOIX_COOKIE_KEY`, from
`secrets.toml` (`cookie_key`), or is generated once into `data/.cookie_key` (mode 0600).
"""

from __future__ import annotations

import os
import secrets
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
KEY_FILE = DATA_DIR / ".cookie_key"
MIN_KEY_BYTES = 32

# Keys published in the streamlit-authenticator documentation and common tutorials.
SAMPLE_KEYS = frozenset(
    {
        "some_key",
        "some_signature_key",
        "random_signature_key",
        "abcdef",
        "secret",
        "secret_key",
        "super_secret_key",
        "changeme",
        "change-me",
        "your-secret-key",
    }
)


class ConfigError(RuntimeError):
    """The configuration is unsafe or unusable; the app must not start."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    cookie_key: str
    cookie_name: str = "porte_voix_auth"
    cookie_expiry_days: float = 7.0


def default_database_url() -> str:
    return f"sqlite:///{DATA_DIR / 'porte_voix.db'}"


def _secrets() -> dict:
    if SECRETS_FILE.exists():
        with SECRETS_FILE.open("rb") as fh:
            return tomllib.load(fh)
    return {}


def secrets_section(name: str) -> dict:
    """One table of `.streamlit/secrets.toml` (e.g. `[smtp]`), empty when absent."""
    value = _secrets().get(name, {})
    return value if isinstance(value, dict) else {}


def setting(env_name: str, secret_name: str, default: str = "") -> str:
    """A plain setting: the environment first, then a top-level key of secrets.toml, then `default`."""
    return os.environ.get(env_name) or str(_secrets().get(secret_name) or default)


def check_cookie_key(key: str) -> str:
    """Return `key` if it is safe to sign cookies with, else raise ConfigError."""
    if key.strip().lower() in SAMPLE_KEYS or len(set(key)) < 8:
        raise ConfigError("The cookie key is a known sample or trivial key; set a random one.")
    if len(key.encode()) < MIN_KEY_BYTES:
        raise ConfigError(f"The cookie key must be at least {MIN_KEY_BYTES} bytes long.")
    if _repetitive(key):
        raise ConfigError("The cookie key is made of a repeated pattern or sample keys; set a random one.")
    return key


def _repetitive(key: str) -> bool:
    """Whether `key` is a short pattern repeated (e.g. a sample key written several times), or
    has too little left once every sample key in it is taken out."""
    n = len(key)
    for period in range(1, n // 2 + 1):
        if all(key[i] == key[i % period] for i in range(n)):
            return True
    rest = key.lower()
    for sample in sorted(SAMPLE_KEYS, key=len, reverse=True):
        rest = rest.replace(sample, "")
    return len(rest) < MIN_KEY_BYTES // 2


def _stored_or_new_key() -> str:
    if KEY_FILE.exists():
        mode = os.stat(KEY_FILE).st_mode
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise ConfigError(
                f"{KEY_FILE} may be written by other users (mode {stat.S_IMODE(mode):o}); "
                "anyone who can change it can sign in as anyone: `chmod 600` it, or delete it for a new one."
            )
        return KEY_FILE.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load_settings() -> Settings:
    """Build the settings; raises ConfigError for an unsafe cookie key."""
    stored = _secrets()
    url = os.environ.get("DATABASE_URL") or stored.get("database_url") or default_database_url()
    key = os.environ.get("PORTE_VOIX_COOKIE_KEY") or stored.get("cookie_key") or _stored_or_new_key()
    return Settings(database_url=url, cookie_key=check_cookie_key(key))
