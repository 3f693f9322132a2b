from django.urls import path

from relais.apps.contracts import exports, views

app_name = "contracts"

urlpatterns = [
    path("", views.statement_index, name="index"),
    path("compute", views.statement_compute, name="compute"),
    path("<int:statement_id>/", views.statement_detail, name="statement"),
    path("<int:statement_id>/issue", views.statement_issue, name="issue"),
    path("<int:statement_id>/agree", views.statement_agree, name="agree"),
    path("<int:statement_id>/statement.xlsx", exports.statement_xlsx, name="xlsx"),
    path("<int:statement_id>/statement.pdf", exports.statement_pdf, name="pdf"),
    path("lines/<int:line_id>/", views.line_detail, name="line"),
    path("lines/<int:line_id>/dispute", views.dispute_open, name="dispute"),
    path("disputes/<int:dispute_id>/decide", views.dispute_decide, name="decide"),
    path("attachments/<int:attachment_id>", views.attachment_download, name="attachment"),
]
