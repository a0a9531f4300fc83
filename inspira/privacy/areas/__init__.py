"""The registry's areas: one module per app, each with its export and its erasure."""
