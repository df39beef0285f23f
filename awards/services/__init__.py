"""Use cases: the only code that writes.

Each service checks its rules, adds and flushes, and records an audit event; it never
commits (the view or CLI command commits once). User-fixable failures raise DomainError
subclasses carrying a translatable message.
"""
