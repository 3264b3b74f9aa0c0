
import pytest

from extractors.readers import read_document
from kg.errors import DocumentError

from conftest import write_doc


def test_readers_front_matter_and_sources(tmp_path):
    path = write_doc(tmp_path, "doc.md", "China refines about 90% of the world's rare earth elements [1].",
                     title="Rare earth refining")
    doc = read_document(path)
    assert doc.title == "Rare earth refining"
    assert doc.date == "2026-01-10"
    assert doc.doc_type == "news"
    assert doc.language == "en"
    assert doc.publisher == "Test desk"
    assert doc.sources == {1: "IEA, Global Critical Minerals Outlook", 2: "JOGMEC annual report"}
    assert "Sources" not in doc.text and "JOGMEC" not in doc.text
    assert doc.text.startswith("China refines")
    assert len(doc.content_hash) == 64


BAD = {
    "empty.md": b"",
    "binary.md": b"\x00\x01\x02binary\x00data",
    "latin1.md": "---\ntitle: caf\xe9\n---\n\nCaf\xe9 au lait.".encode("latin-1"),
    "broken_yaml.md": b'---\ntitle: "unclosed\ndate: 2026-01-10\n---\n\nSome text here.\n',
    "bad_date.md": b"---\ntitle: Fine\ndate: not-a-date\n---\n\nSome text here.\n",
    "unsupported.docx": b"some text",
}


@pytest.mark.parametrize("name", [*BAD, "missing.md"])
def test_readers_bad_input_raises_document_error(tmp_path, name):
    path = tmp_path / name
    if name in BAD:
        path.write_bytes(BAD[name])
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert name in info.value.message
    assert info.value.code == "E100"
