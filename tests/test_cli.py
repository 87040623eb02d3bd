"""The command line: every command has help; accounts, tokens and jobs from the CLI."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from leadline import __version__
from leadline.cli import app

runner = CliRunner()


def _commands(typer_app, prefix=()):
    import typer.main

    group = typer.main.get_command(typer_app)

    def walk(cmd, path):
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, path + (name,))

    yield from walk(group, tuple(prefix))


def test_every_command_has_help():
    paths = list(_commands(app))
    assert ("serve",) in paths and ("token", "create") in paths and ("demo",) in paths
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output
        if path:
            import typer.main

            cmd = typer.main.get_command(app)
            for part in path:
                cmd = cmd.commands[part]
            assert cmd.help or cmd.short_help, f"{' '.join(path)} has no help text"


def test_version_prints_the_version():
    result = runner.invoke(app, ["version"])
    assert result.output.strip() == f"leadline {__version__}"


@pytest.mark.django_db
def test_createuser_adds_the_user_to_a_workspace_with_a_role():
    from leadline.workspaces.models import Membership

    result = runner.invoke(
        app,
        [
            "createuser",
            "carol",
            "--password",
            "a-long-enough-pass",
            "--workspace",
            "ops",
            "--role",
            "lead",
        ],
    )
    assert result.exit_code == 0, result.output
    membership = Membership.objects.get(user__username="carol")
    assert (membership.workspace.slug, membership.role) == ("ops", "lead")


@pytest.mark.django_db
def test_createuser_refuses_a_bad_role_and_a_weak_password():
    assert (
        "is not a role"
        in runner.invoke(
            app, ["createuser", "x", "--password", "a-long-enough-pass", "--role", "king"]
        ).output
    )
    weak = runner.invoke(app, ["createuser", "y", "--password", "123"])
    assert weak.exit_code == 2
    assert "too short" in weak.output


@pytest.mark.django_db
def test_token_create_prints_a_working_token_once(make_user):
    from django.test import Client

    make_user("tok")
    result = runner.invoke(app, ["token", "create", "tok"])
    raw = result.output.strip()
    assert raw.startswith("ll_")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").json()["username"] == "tok"
    assert runner.invoke(app, ["token", "create", "nobody"]).exit_code == 1


@pytest.mark.django_db
def test_jobs_lists_jobs():
    from leadline.jobs.models import Job

    job = Job.objects.create(kind="demo.refresh", title="Rebuild the demo data")
    result = runner.invoke(app, ["jobs"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert str(job.pk)[:8] in result.output


# The short form every command gives a long option it shares with others (README examples
# use them: `leadline raid import FILE -w WS`).
SHORT = {"--workspace": "-w", "--team": "-t", "--out": "-o", "--output": "-o"}


def test_every_command_spells_shared_options_the_same_way():
    import typer.main

    def leaves(cmd, path):
        subs = getattr(cmd, "commands", {})
        if not subs or getattr(cmd, "invoke_without_command", False):
            yield path, cmd
        for name, sub in subs.items():
            yield from leaves(sub, (*path, name))

    checked = set()
    for path, cmd in leaves(typer.main.get_command(app), ()):
        for param in cmd.params:
            if param.param_type_name != "option":
                continue
            for long, short in SHORT.items():
                if long in param.opts:
                    assert short in param.opts, f"`leadline {' '.join(path)} {long}` lacks {short}"
                    checked.add((path, long))
    assert {(("raid", "import"), "--workspace"), (("forecast", "when"), "--team")} <= checked
    assert {(("analyze",), "--out"), (("createuser",), "--workspace")} <= checked


def test_the_readme_raid_import_example_works_with_the_short_option(make_workspace, tmp_path):
    workspace = make_workspace("Short")
    path = tmp_path / "raid.csv"
    path.write_text("type,title\nrisk,Vendor sunsets API\n")
    result = runner.invoke(app, ["raid", "import", str(path), "-w", workspace.slug])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output


def test_serve_and_demo_point_written_links_at_their_own_port_unless_configured(monkeypatch):
    from leadline.cli.main import default_base_url

    monkeypatch.delenv("LEADLINE_BASE_URL", raising=False)
    default_base_url("127.0.0.1", 8123)
    assert os.environ["LEADLINE_BASE_URL"] == "http://127.0.0.1:8123"
    monkeypatch.delenv("LEADLINE_BASE_URL")
    default_base_url("0.0.0.0", 9000)  # noqa: S104
    assert os.environ["LEADLINE_BASE_URL"] == "http://127.0.0.1:9000"
    monkeypatch.delenv("LEADLINE_BASE_URL")
    default_base_url("::1", 9000)
    assert os.environ["LEADLINE_BASE_URL"] == "http://[::1]:9000"
    monkeypatch.setenv("LEADLINE_BASE_URL", "https://leadline.example.com")
    default_base_url("127.0.0.1", 8123)
    assert os.environ["LEADLINE_BASE_URL"] == "https://leadline.example.com"
