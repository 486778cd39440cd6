"""The one ``nianbao`` command. Subcommands live beside the code they drive and load lazily,
so ``nianbao extract`` never imports Prefect or Scrapy."""
from __future__ import annotations

import importlib

import click

# name -> "module:attribute" of a click command
COMMANDS = {
    "extract": "extract.cli:extract_command",
    "evaluate": "extract.cli:evaluate_command",
    "serve": "archive.cli:serve_command",
    "export": "archive.cli:export_command",
    "run": "flows.cli:run_command",
    "backfill": "flows.cli:backfill_command",
    "reextract": "flows.cli:reextract_command",
    "schedule": "flows.cli:schedule_command",
    "status": "flows.cli:status_command",
    "demo": "flows.cli:demo_command",
    "portals": "crawler.discovery.cli:portals_group",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:  # a piece not built yet, or a missing extra
            @click.command(name=name, help=f"(unavailable: {exc})")
            def unavailable():
                raise click.ClickException(f"'{name}' is unavailable: {exc}")

            return unavailable


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nianbao")
def main():
    """nianbao — crawl, extract and archive 政府信息公开工作年度报告."""


if __name__ == "__main__":
    main()
