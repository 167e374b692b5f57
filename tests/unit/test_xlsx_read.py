"""Issue 7 part 3 (hostile import files): app.reports.xlsx_read refuses what is not a
workbook, a zip bomb, an empty sheet and too many rows, skips empty rows, and flags
formula cells instead of evaluating them. No app needed."""

import io
import zipfile

import pytest

from app.reports.xlsx_read import ReadError, read_sheet
from tests.xlsx_files import workbook


def _file(tmp_path, data: bytes):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    return path


def test_rows_are_read_under_their_headers_and_empty_rows_skipped(tmp_path):
    data = workbook(["工号", "姓名"], [["E1", " 张三 "], [None, None], [1001, None]], title="员工")
    sheet = read_sheet(_file(tmp_path, data), "员工")
    assert sheet.headers == ["工号", "姓名"]
    assert [(n, [c.value for c in cells]) for n, cells in sheet.rows] == [(2, ["E1", "张三"]), (4, [1001, None])]


def test_formula_cells_are_flagged_not_evaluated(tmp_path):
    sheet = read_sheet(_file(tmp_path, workbook(["面积"], [["=80+8"]])))
    assert sheet.rows[0][1][0].formula


@pytest.mark.parametrize(("data", "code"), [
    (b"not a workbook at all", "not_xlsx"),
    (b"PK\x03\x04 broken zip", "not_xlsx"),
    (workbook([], []), "empty"),
    (workbook(["姓名"], []), "empty"),
])
def test_files_that_are_not_importable_are_refused(tmp_path, data, code):
    with pytest.raises(ReadError) as e:
        read_sheet(_file(tmp_path, data))
    assert e.value.code == code


def test_a_zip_without_a_workbook_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ReadError) as e:
        read_sheet(_file(tmp_path, buf.getvalue()))
    assert e.value.code == "not_xlsx"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/sharedStrings.xml", b"\0" * (70 * 1024 * 1024))
    assert len(buf.getvalue()) < 1024 * 1024
    with pytest.raises(ReadError) as e:
        read_sheet(_file(tmp_path, buf.getvalue()))
    assert e.value.code == "too_big"


def test_more_rows_than_the_limit_are_refused(tmp_path):
    data = workbook(["姓名"], [[f"人{i}"] for i in range(11)])
    assert len(read_sheet(_file(tmp_path, data), max_rows=11).rows) == 11
    with pytest.raises(ReadError) as e:
        read_sheet(_file(tmp_path, data), max_rows=10)
    assert e.value.code == "too_many_rows" and e.value.params == {"limit": 10}
