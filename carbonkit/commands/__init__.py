"""Sub-commands of the ``carbonkit`` CLI, one module per domain; each has ``register(app)``.

``carbonkit.cli`` defines the root app and the shared output helpers (``out``, ``err``, ``_fail``,
``Format``) and calls every ``register`` at the end of its module.
"""
