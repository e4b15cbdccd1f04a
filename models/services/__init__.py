"""Services: each call is ``(session, actor, ...)``; it checks permission, changes state, writes
an audit event in the same transaction, and returns a value or raises a DomainError."""
