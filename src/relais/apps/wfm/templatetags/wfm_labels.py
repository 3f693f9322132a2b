"""`{% load wfm_labels %}`: `{{ run.method|method_label }}`, `{{ pause.name|activity_label }}`."""

from django import template

from relais.apps.wfm import labels

register = template.Library()
register.filter("method_label", labels.method_label)
register.filter("activity_label", labels.activity_label)
