"""Domain errors with a stable code and an English, re-translatable template."""


class DomainError(Exception):
    """Base error: ``code`` is stable snake_case, ``template`` uses %(name)s."""

    def __init__(self, code, message_en, /, **params):
        self.code = code
        self.template = message_en
        self.params = params
        super().__init__(self.message)

    @property
    def message(self):
        """The template formatted with the params (the template if that fails)."""
        try:
            return self.template % self.params
        except (KeyError, TypeError, ValueError):
            return self.template

    def __str__(self):
        return self.message

    def __reduce__(self):
        return _rebuild, (type(self), self.code, self.template, self.params)


def _rebuild(cls, code, template, params):
    return cls(code, template, **params)


class InvalidAmount(DomainError):
    """An amount, count or rate is malformed or out of range."""


class InsufficientBalance(DomainError):
    """Not enough open units to cover a debit."""


class CapExceeded(DomainError):
    """A requested burn is above what the policy or the balance allows."""


class InvalidCardNumber(DomainError):
    """A card number is malformed, has a bad check digit or overflows a range."""


class InvalidIdentifier(DomainError):
    """Scanned or typed input is neither a card, a phone nor a code."""
