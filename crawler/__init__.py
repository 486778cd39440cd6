"""The crawler: Scrapy spiders per CMS family, a portal registry, a content-addressed store.

See docs/interfaces.md (crawler section). ``crawler.registry`` and ``crawler.antibot`` are pure;
``crawler.runner.crawl`` runs ``python -m scrapy crawl`` subprocesses.
"""
