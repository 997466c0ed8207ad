"""The ``carbonkit`` command line (typer + rich): the composition root of core, reports and service.

:mod:`cli.main` builds the root app; each module here (``account``, ``assess``, ``targets``, ``benefit``,
``workbooks``, ``reports``, ``cbam``, ``market``, ``service``) defines its commands at module level and a
``register(app)``; :mod:`cli.output` and :mod:`cli.status` hold the shared output helpers.
"""
