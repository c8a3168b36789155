"""The one error type users see: a clear line naming the file, field or command."""


class UsageError(Exception):
    """Bad input: a malformed manifest, an unknown case or lens, a missing tool.

    The CLI prints ``str(err)`` as a single line on stderr and exits with status 2.
    """

    exit_status = 2


class ManifestError(UsageError):
    def __init__(self, path, field: str | None, problem: str):
        self.path, self.field, self.problem = path, field, problem
        where = f"{path}" + (f": field '{field}'" if field else "")
        super().__init__(f"{where}: {problem}")
