"""GraphQL types, each with a `from_record` constructor from query results or node records."""
