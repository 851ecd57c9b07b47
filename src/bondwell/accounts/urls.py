from django.contrib.auth import views as auth_views
from django.urls import include, path

from bondwell.accounts import signin, views
from bondwell.accounts.forms import EmailLoginForm, OutboxPasswordResetForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=EmailLoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", signin.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
         name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        signin.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("me/", views.my_record, name="my-record"),
    path("", include("bondwell.workspace.urls")),  # the mothers list, her record (the hub) and concerns
    path("mothers/<int:mother_id>/audit/", views.mother_audit, name="mother-audit"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/new/", views.staff_new, name="staff-new"),
    path("staff/<int:user_id>/", views.staff_edit, name="staff-edit"),
]
