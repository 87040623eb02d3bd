"""`leadline raid import` and `leadline raid export` against the real database."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from leadline.cli import app
from leadline.raid.models import RaidItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_setup(monkeypatch):
    monkeypatch.setattr("leadline.cli.common.setup_django", lambda: None)


def test_raid_import_is_idempotent_and_export_prints_csv(world, tmp_path):
    path = tmp_path / "raid.csv"
    path.write_text("external_id,type,title,owner\nR-9,risk,Supplier fails,Ann\n")
    runner = CliRunner()
    result = runner.invoke(app, ["raid", "import", str(path), "--workspace", "acme"])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    assert (
        "0 new, 0 changed, 1 unchanged"
        in runner.invoke(app, ["raid", "import", str(path), "--workspace", "acme"]).output
    )
    assert RaidItem.objects.get().owner.name == "Ann"
    out = runner.invoke(app, ["raid", "export", "--workspace", "acme"]).output
    assert out.splitlines()[1].startswith("R-9,risk,Supplier fails,")


def test_raid_import_errors_exit_1_naming_line_and_field(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("type,title,impact\nrisk,x,7\n")
    result = CliRunner().invoke(app, ["raid", "import", str(path), "--workspace", "acme"])
    assert result.exit_code == 1
    assert "line 2, field impact" in result.output
    assert not RaidItem.objects.exists()
