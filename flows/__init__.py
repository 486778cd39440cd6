"""Orchestration: Prefect 3 flows over the crawler, the extractor and the archive.

Importing ``flows`` sets Prefect's environment (telemetry off, home in the data folder, quiet
logs) before anything imports Prefect. The flows themselves live in ``flows.pipeline``.
"""
from flows import settings as _settings

_settings.apply()
