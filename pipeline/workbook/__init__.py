"""The consolidated workbook ``tong_hop.xlsx``, rendered from a consolidation result.

Each sheet is written by one function, in one module:

- Tổng hợp: ``book.py``, ``_write_totals`` (``write_workbook`` assembles the sheets in this order);
- Theo đơn vị: ``sheets.py``, ``write_units``;
- Cùng kỳ theo đơn vị (with prior figures per unit): ``unitprior.py``, ``write_unit_prior``;
- Theo đơn vị cấp trên (with a tree of units only): ``parents.py``, ``write_parents``;
- Đối soát: ``review.py``, ``write_relations``;
- Tình trạng nộp: ``review.py``, ``write_files``;
- Các vấn đề: ``review.py``, ``write_findings``;
- Nguồn số liệu: ``sheets.py``, ``write_sources``;
- Biểu đồ: ``charts.py``, ``write_charts`` (from ``form.charts``).

Shared by all: column widths, comments and page set-up (``layout.py``) and the cell styles
(``formats.py``).

May import: ``core``, ``form``, ``templates`` (the form's rows and styles), ``consolidate`` (the
result type).
"""
