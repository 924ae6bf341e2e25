"""`callersim serve`: the caller over HTTP, a thin face over the same call session as ``chat``.

``serve`` (options and start-up), ``app`` (the routes), ``calls`` (the server's calls), ``guard`` (what
every request passes), ``bodies`` (JSON bodies), ``page.html`` (the browser page, no build step).
"""
