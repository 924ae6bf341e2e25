"""`callersim test`: the caller rings a bot under test, unattended, many calls at once, with a verdict each.

- ``suite_file``: the suite TOML (``[suite]``, ``[bot]``, ``[defaults]``, ``[[case]]``), checked whole first.
- ``protocol``: the events both ways, and what the bot hears of a caller's reply (``deliver``).
- ``transports/``: how calls reach the bot, one file each: ``command`` (JSON Lines), ``lines``, ``http``.
- ``call``: one run of a case, driving a ``CallSession`` (the core every face uses) against the bot.
- ``expect``: the ``expect`` keys, one row each; ``outcome``: what can go wrong, and so a run's status.
- ``runner``: which runs, with which caller, in a pool; ``results``: results.jsonl, pass rates, exit code.
- ``progress`` (live table, plain lines) and ``junit``: the reporters; ``main``: the command's options.
"""
