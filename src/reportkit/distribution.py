"""The installed distribution: its name on the package index and its version.

The import package and the command are `reportkit`; the distribution is published under another
name, because "reportkit" on the package index belongs to an unrelated project. Everything that
asks the package metadata (the version, `--version`, the batch's input hash) asks for this name.
"""

from __future__ import annotations

NAME = "reportkit-zfxxgk"


def version() -> str:
    """Return the installed version of reportkit ("0.0.0" when run from an uninstalled tree)."""
    # importlib.metadata is loaded when asked, not when reportkit starts (a twentieth of a second)
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _metadata_version

    try:
        return _metadata_version(NAME)
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"
