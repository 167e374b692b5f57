"""Build .xlsx uploads for the import tests (openpyxl, in memory)."""

import io

import openpyxl

HOUSEHOLD_HEADERS = ["服务中心编号", "楼栋", "房号", "建筑面积(㎡)", "业户姓名", "业户类型", "联系电话", "身份证号",
                     "备注"]
EMPLOYEE_HEADERS = ["工号", "姓名", "性别", "身份证号", "联系电话", "服务中心编号", "部门", "岗位", "级别", "工资等级",
                    "入职日期", "试用期(月)", "状态", "备注"]


def workbook(headers, rows, title="房屋及住户") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    if headers:
        ws.append(headers)
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(data: bytes, name="住户.xlsx") -> dict:
    return {"file": (io.BytesIO(data), name)}
