"""The notification channel form."""

from __future__ import annotations

from django import forms


class ChannelForm(forms.Form):
    name = forms.CharField(max_length=100)
    url = forms.CharField(
        max_length=1000,
        help_text="An Apprise URL: slack://…, msteams://…, mailto://…, json://host:port/path",
    )
