"""Datasette plugins of the archive, loaded with ``datasette --plugins-dir`` (archive/cli.py). A package so that
wheels include it; Datasette also loads this file as a (hook-less) plugin."""
