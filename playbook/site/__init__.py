"""The MkDocs adapter: hooks, the serve rebuild cache, git revision dates, config reading."""
