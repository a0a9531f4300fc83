from django.urls import path

from inspira.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("oversikt.csv", views.overview_csv, name="overview_csv"),
    path("oversikt.xlsx", views.overview_xlsx, name="overview_xlsx"),
    path("fakturor/", views.invoice_list, name="invoices"),
    path("fakturor/centrala/", views.central_run, name="central_run"),
    path("fakturor/<int:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path("fakturor/<int:invoice_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("fakturor/<int:invoice_id>/xml/", views.invoice_xml_download, name="invoice_xml"),
    path("fakturor/<int:invoice_id>/betald/", views.invoice_mark_paid, name="invoice_mark_paid"),
    path("skolor/<int:school_id>/fakturor/", views.school_invoices, name="school_invoices"),
    path("etableringsstod/", views.support_list, name="support_list"),
    path("etableringsstod/export.csv", views.support_export, name="support_export"),
    path("etableringsstod/<int:payment_id>/betald/", views.support_mark_paid, name="support_mark_paid"),
    path("installningar/", views.billing_settings, name="settings"),
]
