"""Settings: the cookie key is never a sample, never short, generated once with owner-only rights."""

import os
import stat

import pytest

from lib.core import config


@pytest.mark.parametrize(
    "key",
    [
        "some_key",
        "abcdef",
        "x" * 40,
        "short-but-random-9f8e7d",
        "some_keysome_keysome_keysome_keysome_key!",  # 41 bytes of a sample key repeated
        "random_signature_keyrandom_signature_key1",
        "Ab3$Ab3$Ab3$Ab3$Ab3$Ab3$Ab3$Ab3$Ab3$Ab3$",  # a pattern repeated
        "super_secret_key-changeme-secret_key-abcdef",
    ],
)
def test_unsafe_cookie_keys_are_refused(key):
    with pytest.raises(config.ConfigError):
        config.check_cookie_key(key)


def test_a_long_random_key_is_accepted():
    key = "k9Q2vX7pL4mN8rT1wY6zB3cF5hJ0dG2sA7eK4uP9"
    assert config.check_cookie_key(key) == key


def test_missing_key_is_generated_once_with_owner_only_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTE_VOIX_COOKIE_KEY", raising=False)
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    monkeypatch.setattr(config, "KEY_FILE", tmp_path / ".cookie_key")
    monkeypatch.setattr(config, "SECRETS_FILE", tmp_path / "absent.toml")
    first = config.load_settings().cookie_key
    assert len(first.encode()) >= config.MIN_KEY_BYTES
    assert stat.S_IMODE(os.stat(tmp_path / ".cookie_key").st_mode) == 0o600
    assert config.load_settings().cookie_key == first


def test_environment_overrides_secrets_file(tmp_path, monkeypatch):
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text('cookie_key = "some_key"\ndatabase_url = "sqlite:///from-secrets.db"\n')
    monkeypatch.setattr(config, "SECRETS_FILE", secrets_file)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PORTE_VOIX_COOKIE_KEY", raising=False)
    with pytest.raises(config.ConfigError):  # the sample key from secrets.toml is refused
        config.load_settings()
    monkeypatch.setenv("PORTE_VOIX_COOKIE_KEY", "k9Q2vX7pL4mN8rT1wY6zB3cF5hJ0dG2sA7eK4uP9")
    assert config.load_settings().database_url == "sqlite:///from-secrets.db"
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.db")
    assert config.load_settings().database_url == "sqlite:///from-env.db"


def test_default_database_is_sqlite_under_data():
    assert config.default_database_url().endswith("/data/porte_voix.db")


@pytest.mark.parametrize("mode", [0o666, 0o622, 0o620])
def test_a_key_file_others_may_write_is_refused(tmp_path, monkeypatch, mode):
    """Issue 10 (hardening): whoever can write the key file can forge anyone's cookie."""
    monkeypatch.delenv("PORTE_VOIX_COOKIE_KEY", raising=False)
    monkeypatch.setattr(config, "KEY_FILE", tmp_path / ".cookie_key")
    monkeypatch.setattr(config, "SECRETS_FILE", tmp_path / "absent.toml")
    (tmp_path / ".cookie_key").write_text("k9Q2vX7pL4mN8rT1wY6zB3cF5hJ0dG2sA7eK4uP9")
    os.chmod(tmp_path / ".cookie_key", mode)
    with pytest.raises(config.ConfigError, match="chmod 600"):
        config.load_settings()
    os.chmod(tmp_path / ".cookie_key", 0o600)
    assert config.load_settings().cookie_key == "k9Q2vX7pL4mN8rT1wY6zB3cF5hJ0dG2sA7eK4uP9"
