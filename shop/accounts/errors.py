from flask_babel import lazy_gettext as _l

from shop.core.errors import Conflict, DomainError, Unauthorized, unique_conflict


@unique_conflict("users", "email")
class EmailTaken(Conflict):
    code = "email_taken"
    title = _l("An account with this e-mail address already exists.")


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    title = _l("The e-mail address or password is wrong.")


class TooManyAttempts(DomainError):
    """This client has failed to sign in too often (``shop.accounts.services.authenticate`` says when).

    ``retry_after`` is the number of seconds until the window that refused it has passed
    (the ``Retry-After`` header and a member of the problem).
    """

    code = "too_many_login_attempts"
    status = 429
    title = _l("Too many failed sign-in attempts. Try again later.")
    detail = _l("Try again in %(minutes)s minutes.")

    def __init__(self, retry_after: int):
        self.retry_after = max(int(retry_after), 1)
        super().__init__(minutes=-(-self.retry_after // 60))

    def extra(self) -> dict:
        return {"retry_after": self.retry_after}


class InvalidToken(Unauthorized):
    code = "invalid_token"
    title = _l("The access token is missing, expired or revoked.")


class WeakPassword(DomainError):
    code = "weak_password"
    status = 422
    title = _l("The password is too weak.")
    detail = _l("Use at least %(min)s characters.")
