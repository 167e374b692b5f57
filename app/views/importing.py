"""导入 pages: template download, upload → dry run (检查), 确认导入.

The view only moves the file: app.services.import_files keeps it under a
token, app.services.importing checks and writes it. Answers: the page (200),
a file refused as a whole (400 / 413), a dry run or import with row problems
(422, the table of every problem), a successful import (302 to the register's
list with a summary).
"""

import io

from flask import flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import HiddenField
from wtforms.validators import DataRequired

from app.errors import DomainError
from app.security import READ, WRITE
from app.services import import_employees, import_files, import_households, importing

#: Room for the multipart envelope around a file of import_files.MAX_BYTES.
_ENVELOPE = 64 * 1024


class UploadForm(FlaskForm):
    file = FileField(_l("Excel文件（.xlsx）"), validators=[
        FileRequired(_l("请选择要导入的Excel文件")),
        FileAllowed(["xlsx"], _l("只能导入 .xlsx 格式的Excel文件（请用模板填写）")),
    ])


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


class ImportView(BaseView):
    """One import: subclasses name the importer, the list to land on and the page title."""

    importer: importing.Importer
    list_endpoint = ""
    title = ""
    counts_text = ""
    default_view = "form"
    method_permission_name = {"form": READ, "template": READ, "check": WRITE, "confirm": WRITE}
    base_permissions = [f"can_{READ}", f"can_{WRITE}"]

    def _page(self, status=200, **context):
        context.setdefault("form", UploadForm())
        return self.render_template("importing/page.html", title=str(self.title), view=self,
                                    columns=self.importer.columns, limit=importing.MAX_ROWS,
                                    max_mb=import_files.MAX_BYTES // (1024 * 1024), **context), status

    @expose("/", methods=["GET"])
    @has_access
    def form(self):
        return self._page()

    @expose("/template", methods=["GET"])
    @has_access
    def template(self):
        data = importing.template_bytes(self.importer)
        name = _("%(what)s导入模板.xlsx", what=self.importer.sheet_title)
        return send_file(io.BytesIO(data), as_attachment=True, download_name=name,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @expose("/check", methods=["POST"])
    @has_access
    def check(self):
        """检查 (dry run): keep the file under a token and list every problem; writes nothing."""
        if (request.content_length or 0) > import_files.MAX_BYTES + _ENVELOPE:
            return self._too_large()
        request.max_content_length = import_files.MAX_BYTES + _ENVELOPE
        try:
            form = UploadForm()
            valid = form.validate_on_submit()
        except RequestEntityTooLarge:
            return self._too_large()
        if not valid:
            return self._page(400, form=form, error="；".join(str(e) for errs in form.errors.values() for e in errs))
        data = form.file.data.read(import_files.MAX_BYTES + 1)
        if len(data) > import_files.MAX_BYTES:
            return self._too_large()
        name = form.file.data.filename or ""
        token = import_files.store(data, self.importer.name, g.user.id, name)
        path, _meta = import_files.path_of(token, self.importer.name, g.user.id)
        try:
            report = importing.dry_run(self.importer, path)
        except importing.ImportRefused as e:
            import_files.discard(token)
            return self._page(400, error=str(e))
        if not report.ok:
            import_files.discard(token)
        return self._page(200 if report.ok else 422, report=report, confirm=ConfirmForm(token=token), file_name=name,
                          summary=self._counts(report) if report.ok else "")

    def _too_large(self):
        return self._page(413, error=_("文件不能超过%(mb)sMB，请分批导入", mb=import_files.MAX_BYTES // (1024 * 1024)))

    @expose("/confirm", methods=["POST"])
    @has_access
    def confirm(self):
        """确认导入: the same file, checked again, written in one transaction (or nothing)."""
        form = ConfirmForm()
        if not form.validate_on_submit():
            return self._page(400, error=_("导入文件已失效，请重新上传"))
        try:
            path, meta = import_files.claim(form.token.data, self.importer.name, g.user.id)
        except DomainError as e:
            return self._page(e.status, error=str(e))
        try:
            report = importing.run(self.importer, path, meta.get("name", ""))
        except importing.ImportRefused as e:
            return self._page(400, error=str(e))
        finally:
            import_files.discard(path)
        if not report.ok:
            return self._page(422, report=report, file_name=meta.get("name", ""), failed=True)
        flash(_("导入完成：%(what)s", what=self._counts(report)), "success")
        return redirect(url_for(self.list_endpoint))

    def _counts(self, report) -> str:
        return str(self.counts_text) % report.counts


class HouseholdImportView(ImportView):
    route_base = "/import/households"
    class_permission_name = "HouseholdImport"
    importer = import_households.IMPORTER
    list_endpoint = "HouseholdView.list"
    title = _l("导入房屋及住户")
    counts_text = _l("新增房屋%(units)s套、业户%(households)s户")


class EmployeeImportView(ImportView):
    route_base = "/import/employees"
    class_permission_name = "EmployeeImport"
    importer = import_employees.IMPORTER
    list_endpoint = "EmployeeView.list"
    title = _l("导入员工")
    counts_text = _l("新增员工%(employees)s名")
