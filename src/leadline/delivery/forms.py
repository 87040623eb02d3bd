"""Forms of the delivery data pages: uploads, connections, status mappings, jam config."""

from __future__ import annotations

from typing import Any

from django import forms

from leadline.workspaces.models import Team, Workspace

from .data import CATEGORIES, UPLOAD_KINDS
from .models import Connection


class ImportForm(forms.Form):
    """Upload one file of a kind, for a team (or the whole workspace)."""

    kind = forms.ChoiceField(label="What the file holds", choices=list(UPLOAD_KINDS.items()))
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="No team (workspace-wide)"
    )
    file = forms.FileField(label="File")

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


TARGET_HELP = (
    "Jira: a JQL query or a board id · GitHub: owner/repo · GitLab: group/project · "
    "git: the repository's path on this server · PagerDuty: service ids, comma-separated · "
    "Opsgenie: a service id"
)


class ConnectionForm(forms.ModelForm):
    """A connection's settings; the credential is write-only and blank keeps the stored one."""

    credential = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="API token, personal access token or API key. Stored encrypted and never "
        "shown again; leave empty to keep the current one.",
    )

    class Meta:
        model = Connection
        fields = [
            "name", "kind", "team", "base_url", "target", "username", "schedule", "deploy_tags",
        ]  # fmt: skip
        labels = {
            "base_url": "Base URL",
            "username": "Username (Jira Cloud email)",
            "deploy_tags": "Tags that are deployments (git)",
        }
        help_texts = {
            "base_url": "https://your-site.atlassian.net, https://jira.example.com, "
            "https://gitlab.example.com … (empty: the public service)",
            "target": TARGET_HELP,
            "username": "Jira Cloud: the account's email (with an API token). Jira Data Center: "
            "leave empty and use a personal access token.",
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["team"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        needs_secret = kind in {"github", "gitlab", "jira", "pagerduty", "opsgenie"}
        has_secret = bool(self.instance.pk and self.instance.secret)
        if needs_secret and not data.get("credential") and not has_secret:
            self.add_error("credential", "This source needs a credential.")
        if kind == "jira" and not data.get("base_url"):
            self.add_error("base_url", "Jira needs the site's base URL.")
        return data


class MappingForm(forms.Form):
    """One status's stage category (empty = unmapped) and waiting flag."""

    category = forms.ChoiceField(
        choices=[("", "Unmapped")] + [(c, c.title()) for c in CATEGORIES], required=False
    )
    waiting = forms.BooleanField(required=False)


class JamConfigForm(forms.Form):
    """A jira-agile-metrics config.yml whose Workflow section maps statuses."""

    config = forms.FileField(label="jira-agile-metrics config (YAML)")
