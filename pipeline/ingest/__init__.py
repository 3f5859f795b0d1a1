"""Reading returned files: recognise a file by its bytes and refuse hostile ones (``sniff``),
read it into neutral ``RawWorkbook``s (``readers``, ``markup``, ``raw``; cells showing a formula
error, which python-calamine reads as blank: ``cellerrors``), find the coded values
(``extract``), read numbers as officers type them (``values``, their digit groups and decimal mark:
``separators``; ``legacy_text``) and recognise a
return whose metadata was lost (``recognise``).

May import: ``core``, ``form``.
"""
