"""Results: the model the checks' outcomes are gathered into, and its renderings."""
