"""Domain errors: a broken payments rule, said in plain English for the person who broke it."""


class PaymentsError(Exception):
    """A rule refused the action. The message is shown to the user as it is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the problem belongs to, when there is one (shown next to it).
        self.field = field


class NotAllowed(PaymentsError):
    pass


class WrongState(PaymentsError):
    pass


class NoRateCard(PaymentsError):
    pass


class DuplicateClaim(PaymentsError):
    pass


class NothingToExport(PaymentsError):
    pass
