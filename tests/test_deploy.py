"""`mapapp nginx-config`: the deployment's nginx site filled in for this machine."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from mapapp_cli import run_cli

from mapapp._errors import OptionError
from mapapp.deploy import TEMPLATE, frontend_folders, nginx_site


def test_every_placeholder_is_filled_and_the_comments_are_kept():
    site = nginx_site("8080", ["127.0.0.1:8501", "127.0.0.1:8502"], "127.0.0.1:5000")
    code = [line for line in site.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in code if "@" in line]
    assert "server 127.0.0.1:8501; server 127.0.0.1:8502;" in site and "listen 8080;" in site
    for folder in frontend_folders().values():
        assert f"alias {folder.as_posix()}/;" in site and folder.is_dir()
    assert [line for line in site.splitlines() if line.startswith("#")] == \
        [line for line in TEMPLATE.read_text(encoding="utf-8").splitlines() if line.startswith("#")]


def test_no_app_process_is_refused():
    with pytest.raises(OptionError, match="at least one app process"):
        nginx_site("80", [], "127.0.0.1:5000")


@pytest.mark.skipif(shutil.which("nginx") is None, reason="Debian nginx is not installed (scripts/test.sh installs it)")
def test_nginx_accepts_the_site(tmp_path):
    done = run_cli(tmp_path, "nginx-config", "--listen", "127.0.0.1:8089", "--app", "127.0.0.1:8501")
    assert done.returncode == 0, done.stderr
    config = tmp_path / "nginx.conf"
    config.write_text(f"pid {tmp_path / 'pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
                      f"http {{\n include /etc/nginx/mime.types;\n{done.stdout}\n}}\n", encoding="utf-8")
    checked = subprocess.run(["nginx", "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
