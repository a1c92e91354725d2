"""`mapapp layers`: through the installed console script, and in-process."""

from __future__ import annotations

import json
import subprocess
import sys

from mapapp.cli import main


def test_layers_list_json(capsys):
    assert main(["layers", "list", "--json"]) == 0
    ids = [entry["id"] for entry in json.loads(capsys.readouterr().out)]
    assert ids[:3] == ["province", "prefectures", "counties"]


def test_layers_show_counties(capsys):
    assert main(["layers", "show", "counties", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["features"] == 100
    assert {"adcode", "name_zh", "name_en", "parent_adcode"} <= set(info["fields"])


def test_unknown_layer_is_a_clear_error(capsys):
    assert main(["layers", "show", "no_such_layer"]) == 2
    err = capsys.readouterr().err
    assert "no_such_layer" in err and "counties" in err


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "mapapp", "layers", "list"], capture_output=True, text=True, check=True)
    assert "counties" in out.stdout
