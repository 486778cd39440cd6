"""The demo, apart from the product: ``render/`` (sample report documents in every format),
``sample_site/`` (the offline imitation portals, one writer per CMS family) and ``flow.py``
(``nianbao demo``: the nightly job against the sample site). Needs the ``demo`` extra
(reportlab, python-docx); the tests use it too.
"""
