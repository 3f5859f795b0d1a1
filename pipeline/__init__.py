"""tonghop: collect figures from communes and wards through Excel templates and consolidate them."""

__version__ = "0.1.0"
