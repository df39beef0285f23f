"""Domain errors: user-fixable, with a translatable message and the HTTP status a view answers."""

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    status = 400

    def __init__(self, message=None):
        self.message = message if message is not None else self.default_message()
        super().__init__(str(self.message))

    def default_message(self):
        return _l("The request could not be carried out.")


class InvalidInput(DomainError):
    status = 400


class NotFound(DomainError):
    status = 404

    def default_message(self):
        return _l("Not found.")


class NotAllowed(DomainError):
    status = 403

    def default_message(self):
        return _l("You are not allowed to do that.")


class Conflict(DomainError):
    status = 409


class StaleVersion(Conflict):
    def default_message(self):
        return _l(
            "This scorecard was changed elsewhere (another tab or laptop) after you opened it. "
            "Your changes were not saved; reload the page to see the newer version."
        )


class ScorecardLocked(Conflict):
    def default_message(self):
        return _l("This scorecard has been submitted and is locked. Only an organiser can reopen it.")


class InvalidCredentials(DomainError):
    status = 401

    def default_message(self):
        return _l("Wrong email or password.")
