"""The Streamlit server settings that keep a company deployment safe."""

import tomllib

from lib.core.config import ROOT


def test_streamlit_settings_are_safe():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"]["enableCORS"] is True
    assert cfg["server"]["maxUploadSize"] <= 5
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["client"]["toolbarMode"] == "viewer"
