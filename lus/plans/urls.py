from django.urls import path

from . import stream, views

app_name = "plans"

urlpatterns = [
    path("<int:pk>/samtale/", views.conduct, name="conduct"),
    path("<int:pk>/samtale/afholdt/", views.hold, name="hold"),
    path("<int:pk>/samtale/start/", views.start, name="start"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/plan/gem/", views.save, name="save"),
    path("<int:pk>/plan/tilstand/", views.state, name="state"),
    path("<int:pk>/plan/haendelser/", stream.stream, name="stream"),
    path("<int:pk>/plan/tilstede/", views.presence, name="presence"),
    path("<int:pk>/plan/punkter/", views.structure, name="structure"),
    path("<int:pk>/plan/godkend/", views.approve, name="approve"),
    path("<int:pk>/plan/genaabn/", views.reopen, name="reopen"),
    path("opfoelgning/", views.follow_ups, name="follow_ups"),
    path("opfoelgning/<int:pk>/kalender.ics", views.follow_up_ics, name="follow_up_ics"),
]
