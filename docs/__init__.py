"""The user documentation, shipped in the package as reportkit.docs (read by `reportkit docs`).

This file only makes the folder an importable package, so that an editable install finds the
Markdown files as a wheel does; the documentation is the *.md files beside it.
"""
