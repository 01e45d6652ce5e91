"""Store outcomes that operations turn into API errors (404, 409)."""


class StoreError(Exception):
    pass


class ItemNotFound(StoreError):
    def __init__(self, kind: str, item_id: str):
        super().__init__(f"{kind} {item_id!r} does not exist")
        self.kind, self.item_id = kind, item_id


class VersionConflict(StoreError):
    """A conditional write lost: somebody changed the item since it was read."""

    def __init__(self, kind: str, item_id: str):
        super().__init__(f"{kind} {item_id!r} was changed by another request; read it again and retry")
        self.kind, self.item_id = kind, item_id


class InvalidCursor(StoreError):
    pass
