"""One spider per CMS family (``scrapy list``): trs, hanweb, gdsite, gkmlpt, snowflake, generic."""
