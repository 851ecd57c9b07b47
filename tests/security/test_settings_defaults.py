"""Production is the default: DEBUG off unless asked, and no secret key committed to the code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

READ = "import bondwell.settings as s; print(s.DEBUG); print(s.SECRET_KEY)"


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "BONDWELL_BASE_URL"}}
    return subprocess.run([sys.executable, "-c", READ], capture_output=True, text=True, check=False,
                          env={**clean, "BONDWELL_VAR_DIR": str(tmp_path), **env})


def test_without_debug_in_the_environment_debug_is_off_and_a_secret_key_is_required(tmp_path: Path) -> None:
    result = _settings(tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_locally_the_key_is_random_per_checkout_and_kept(tmp_path: Path) -> None:
    first = _settings(tmp_path, DEBUG="1")
    second = _settings(tmp_path, DEBUG="1")
    assert first.returncode == 0, first.stderr
    debug, key = first.stdout.split()
    assert debug == "True"
    assert len(key) >= 50
    assert second.stdout == first.stdout  # the web server and the worker share it
    assert (tmp_path / "local-secret-key").stat().st_mode & 0o077 == 0  # readable by its owner only
    other = _settings(tmp_path / "elsewhere", DEBUG="1")
    assert other.stdout.split()[1] != key


def test_no_secret_key_is_committed_in_the_settings() -> None:
    import bondwell.settings as settings_module

    source = Path(settings_module.__file__).read_text()
    assert "dev-only-insecure-key" not in source
