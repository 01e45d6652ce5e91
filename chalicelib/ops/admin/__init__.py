"""The admin operations, one module per concern: status, the result cache, rules,
maintenance mode, checkpoints and exports (importing the package registers them all)."""

from chalicelib.ops.admin import cache, checkpoints, exports, maintenance, rules, status  # noqa: F401
