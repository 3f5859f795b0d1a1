"""A folder of returns becomes one result: read and check every file in parallel, pick one
return per unit (``collect``), total by level and reconcile (``combine``).

May import: ``core``, ``form``, ``ingest``, ``validate``.
"""
