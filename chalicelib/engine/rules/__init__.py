"""The rule catalogue. Importing this package registers every rule: each module here
declares its checks with `@rule` at import time, so loading them all, in name order,
fills `registry.REGISTRY` the same way in every process."""

import importlib
import pkgutil

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name):
    if _module.name != "registry":
        importlib.import_module(f"{__name__}.{_module.name}")

importlib.import_module("chalicelib.engine.truth.rules")  # truth rules live with the truth tables
