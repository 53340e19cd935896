"""The one error type of the package: input that cannot be used as vectors."""

__all__ = ["VectorsError"]


class VectorsError(Exception):
    """A vectors tree, file, case or value that breaks a rule of the format.

    The message is one line naming the file, the case and field where known,
    and the rule broken. A failed accuracy check is not an error: it is a
    `Report` row.
    """
