"""LibreOffice's flat XML spreadsheet (``.fods``): one XML file holding what an ``.ods`` zip
holds. It is read as the ``.ods`` it stands for: its document becomes the ``content.xml`` and
its ``office:meta`` the ``meta.xml`` of an ods made in memory, which then goes through the ods
checks (``sniff.check_zip``: entities refused, rows and columns bounded) and reader as any ods.
"""

from __future__ import annotations

import io
import re
import zipfile

from pipeline.core.errors import Msg, WorkbookReadError

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ROOT = re.compile(rb"<office:document\s[^>]*>")
_META = re.compile(rb"<office:meta>.*?</office:meta>", re.S)
_INDENT = re.compile(rb">\s*\n\s*<")  # LibreOffice's pretty printing between elements (the ods reader reads it as cells' text)
_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    b'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="' + MIMETYPE + b'"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def is_flat_ods(head: str) -> bool:
    """Whether the start of an XML file (lower case) is a flat ODF spreadsheet's."""
    return "<office:document" in head and MIMETYPE.decode() in head


def as_ods(data: bytes) -> bytes:
    """The ods zip a flat ODF spreadsheet stands for.

    :raises WorkbookReadError: the document has no ``office:document`` root (damaged).
    """
    root = _ROOT.search(data)
    end = data.rfind(b"</office:document>")
    if root is None or end < root.end():
        raise WorkbookReadError(Msg.FILE_001, reason="tệp bảng tính LibreOffice dạng XML (.fods) bị hỏng")
    opening = root.group().replace(b"<office:document", b"<office:document-content", 1)
    content = _INDENT.sub(b"><", data[: root.start()] + opening + data[root.end() : end]) + b"</office:document-content>"
    meta = _META.search(data, root.end(), end)
    meta_xml = root.group().replace(b"<office:document", b"<office:document-meta", 1) + (meta.group() if meta else b"")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", MIMETYPE)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
        archive.writestr("meta.xml", meta_xml + b"</office:document-meta>")
        archive.writestr("content.xml", content)  # stored: it is inflated nowhere, only read
    return buffer.getvalue()
