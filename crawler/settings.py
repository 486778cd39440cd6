"""Scrapy settings for the nianbao crawler (production defaults; tests override with -s)."""

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; archive of 政府信息公开工作年度报告)"
ROBOTSTXT_OBEY = True              # a portal override `robots: false` turns it off for that portal
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False     # Scrapy 2.19 starts an HTTP control server by default
COOKIES_ENABLED = False            # we never play anti-bot cookie games

# Politeness: per-domain concurrency 1-2, AutoThrottle on top of a base delay.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5             # delay varies ±50 %
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Limits.
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 100 * 1024 * 1024     # per file
DOWNLOAD_WARNSIZE = 30 * 1024 * 1024
REDIRECT_MAX_TIMES = 5                   # redirect loops are cut here
METAREFRESH_ENABLED = False
DEPTH_LIMIT = 60                         # listing pages chain; a hard stop for pager bugs

# Retries with exponential backoff (crawler.middlewares.BackoffRetryMiddleware replaces Scrapy's).
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0                 # seconds; attempt n waits base * 2**(n-1)
RETRY_BACKOFF_MAX = 60.0

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    # offsite / private address / blocked portal — first of all (before RobotsTxtMiddleware at 100,
    # which otherwise fetches robots.txt from any host a page links to, ftp:// included)
    "crawler.middlewares.PortalGuardMiddleware": 50,
    "crawler.middlewares.RedirectLoopMiddleware": 650,  # before RedirectMiddleware (600) sees a 3xx
    "crawler.middlewares.PortalStatsMiddleware": 950,   # counts every attempt and its bytes
}
# Spiders set no allowed_domains: PortalGuardMiddleware checks hosts per portal instead.

# The spider parses; these write: documents into the store, then their manifest.jsonl line.
ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 100,
    "crawler.pipelines.ManifestPipeline": 200,
}
# health.jsonl: one record per portal from the stats and the spider's signals, on spider_closed.
EXTENSIONS = {
    "crawler.extensions.PortalHealthExtension": 500,
}

HTTPCACHE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# nianbao's own settings (pass with -s): NIANBAO_DATA (data folder), NIANBAO_RUN_ID,
# NIANBAO_REGISTRY (registry file), NIANBAO_SAMPLE_BASE (origin substituted for {base}).
NIANBAO_DATA = None
NIANBAO_RUN_ID = None
NIANBAO_REGISTRY = None
NIANBAO_SAMPLE_BASE = None
