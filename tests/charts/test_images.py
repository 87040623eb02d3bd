"""`leadline analyze --images`: every chart also drawn as SVG and PNG, offline, with its title."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadline.analyze.cli import run_plain_analyze
from leadline.charts.images import render_chart, standalone_spec
from leadline.cli import app

PEER = Path(__file__).resolve().parents[1] / "fixtures" / "peers" / "jira-agile-metrics"
CHARTS = ("cfd", "throughput", "scatter", "histogram", "aging", "forecast")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}svg"
TEXT = "{http://www.w3.org/2000/svg}text"


def _args(out: Path, *extra: str) -> list[str]:
    return [
        str(PEER / "search_issues.json"), "--workflow", str(PEER / "config.yml"),
        "--preset", "jira-agile-metrics", "--as-of", "2021-03-01", "--out", str(out), *extra,
    ]  # fmt: skip


def _flat(text: str) -> str:
    return " ".join(text.split())  # Rich wraps long error lines


def _check_images(out: Path, formats: tuple[str, ...]) -> None:
    summary = json.loads((out / "summary.json").read_text())
    for name in CHARTS:
        spec = json.loads((out / "charts" / f"{name}.vl.json").read_text())
        assert isinstance(spec["title"], str)  # the browser's spec is not changed
        if "svg" in formats:
            svg = (out / "charts" / f"{name}.svg").read_text()
            root = ET.fromstring(svg)  # noqa: S314 - our own renderer's output
            assert root.tag == SVG, name
            drawn = [" ".join(e.itertext()) for e in root.iter(TEXT)]
            assert spec["title"] in drawn, name
            for line in standalone_spec(spec)["title"]["subtitle"]:  # its definition
                assert any(line in text for text in drawn), (name, line)
        if "png" in formats:
            png = (out / "charts" / f"{name}.png").read_bytes()
            assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000, name
        for fmt in formats:
            assert f"charts/{name}.{fmt}" in summary["outputs"]
        for fmt in {"svg", "png"} - set(formats):
            assert not (out / "charts" / f"{name}.{fmt}").exists()
            assert f"charts/{name}.{fmt}" not in summary["outputs"]


def test_typer_command_draws_every_chart_as_svg_and_png(tmp_path):
    result = CliRunner().invoke(app, ["analyze", *_args(tmp_path / "out", "--images", "svg,png")])
    assert result.exit_code == 0, result.output
    assert "wrote 29 files" in _flat(result.output)
    _check_images(tmp_path / "out", ("svg", "png"))


def test_fast_path_draws_the_asked_formats_only(tmp_path):
    assert run_plain_analyze(_args(tmp_path / "out", "--images=svg"))
    _check_images(tmp_path / "out", ("svg",))


def test_without_images_no_picture_is_drawn_and_vl_convert_is_not_loaded(tmp_path):
    script = (
        "import sys\n"
        "from leadline.analyze.cli import run_plain_analyze\n"
        f"assert run_plain_analyze({_args(tmp_path / 'out')!r})\n"
        "print('loaded:', 'vl_convert' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "loaded: False" in done.stdout
    _check_images(tmp_path / "out", ())


@pytest.mark.parametrize("value", ["gif", "svg,gif", "svg,", ""])
def test_typer_command_rejects_a_bad_images_value(tmp_path, value):
    result = CliRunner().invoke(app, ["analyze", *_args(tmp_path / "out", "--images", value)])
    assert result.exit_code == 2
    assert "--images" in result.output and "allowed values are svg and png" in _flat(result.output)
    assert not (tmp_path / "out").exists()


def test_fast_path_rejects_a_bad_images_value(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        run_plain_analyze(_args(tmp_path / "out", "--images", "gif"))
    assert exited.value.code == 2
    err = _flat(capsys.readouterr().err)
    assert "--images 'gif'" in err and "allowed values are svg and png" in err
    assert not (tmp_path / "out").exists()


def test_the_leadline_command_rejects_a_bad_images_value(tmp_path):
    exe = Path(sys.executable).with_name("leadline")
    done = subprocess.run(
        [str(exe), "analyze", *_args(tmp_path / "out", "--images", "gif")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "allowed values are svg and png" in _flat(done.stderr)


def test_render_chart_rejects_other_formats_and_keeps_the_spec():
    spec = {
        "title": "Items",
        "description": "How many items. " * 20,
        "width": "container",
        "data": {"values": [{"x": 1, "y": 2}]},
        "mark": "bar",
        "encoding": {"x": {"field": "x"}, "y": {"field": "y", "type": "quantitative"}},
    }
    with pytest.raises(ValueError, match="svg, png"):
        render_chart(spec, "gif")
    shown = standalone_spec(spec)
    assert shown["title"]["text"] == "Items" and len(shown["title"]["subtitle"]) > 1
    assert isinstance(shown["width"], int)
    assert spec["title"] == "Items" and spec["width"] == "container"
    svg = render_chart(spec, "svg").decode()
    assert ">Items</text>" in svg and "How many items." in svg
