"""Registry modules named at start are imported once, when the registry is first read."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from leadline.plugins import Modules


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A throwaway package on sys.path whose modules append to ``registry.SEEN``."""
    root = tmp_path / "plugtest"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "registry.py").write_text("SEEN = []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield root
    for name in [m for m in sys.modules if m == "plugtest" or m.startswith("plugtest.")]:
        del sys.modules[name]


def test_a_named_module_is_imported_once_when_the_registry_is_read(package):
    (package / "rules.py").write_text(
        "from plugtest import registry\nregistry.SEEN.append('rules')\n"
    )
    from plugtest import registry

    modules = Modules()
    modules.add("plugtest.rules")
    modules.add("plugtest.rules")
    assert registry.SEEN == []  # naming imports nothing
    modules.load()
    modules.load()
    assert registry.SEEN == ["rules"]


def test_a_module_that_fails_to_import_fails_every_read_until_it_imports(package):
    (package / "broken.py").write_text("raise RuntimeError('broken rules')\n")
    modules = Modules()
    modules.add("plugtest.broken")
    with pytest.raises(RuntimeError, match="broken rules"):
        modules.load()
    with pytest.raises(RuntimeError, match="broken rules"):  # not silently dropped
        modules.load()
    (package / "broken.py").write_text("from plugtest import registry\nregistry.SEEN.append('b')\n")
    sys.modules.pop("plugtest.broken", None)
    import importlib

    importlib.invalidate_caches()
    modules.load()
    from plugtest import registry

    assert registry.SEEN == ["b"]


def test_a_second_reader_waits_until_every_module_is_in(package):
    (package / "slow.py").write_text(
        "import time\nfrom plugtest import registry\n"
        "time.sleep(0.3)\nregistry.SEEN.append('slow')\n"
    )
    (package / "after.py").write_text(
        "from plugtest import registry\nregistry.SEEN.append('after')\n"
    )
    from plugtest import registry

    modules = Modules()
    modules.add("plugtest.slow")
    modules.add("plugtest.after")
    read: list[list[str]] = []

    def reader() -> None:
        modules.load()
        read.append(list(registry.SEEN))

    first = threading.Thread(target=reader)
    first.start()
    time.sleep(0.05)  # the first reader is importing the slow module
    reader()
    first.join()
    assert read == [["slow", "after"], ["slow", "after"]]
