"""The crawler's own Scrapy signals: how the spider tells the rest what it found, without anyone
reaching into the spider (``crawler.signals.connect(handler, signal=portal_error)``).

``portal_error(portal, url, kind, message)``: one failure of one request, recorded in the portal's
health record (``errors``). ``portal_blocked(portal, kind, url)``: an anti-bot wall; the portal's
other requests are dropped (``PortalGuardMiddleware``) and its health record says ``blocked``.
"""
portal_error = object()
portal_blocked = object()
