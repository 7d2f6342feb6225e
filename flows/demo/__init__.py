"""The synthetic demo environment: invented registers, publisher layouts and recorded responses.

Nothing on the production path imports this package (a test checks it)."""
