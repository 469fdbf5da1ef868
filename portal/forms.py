from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren as siren_std

from . import services
from .models import Membership, Organization, validate_siren


def _clean_siren(value: str) -> str:
    value = siren_std.compact(value or "")
    validate_siren(value)
    return value


class CompanySignupForm(forms.Form):
    """Extra fields of allauth's sign-up form: registering a user registers their company."""

    company_name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    siren = forms.CharField(
        label=_("SIREN"),
        max_length=20,
        help_text=_("The 9-digit number of your company (spaces allowed), e.g. 732 829 320."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    field_order = ["company_name", "siren", "email", "password1", "password2"]

    def clean_siren(self):
        return _clean_siren(self.cleaned_data["siren"])

    def signup(self, request, user):
        services.supplier_register(
            user=user,
            company_name=self.cleaned_data["company_name"],
            siren=self.cleaned_data["siren"],
        )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address of your colleague"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class OrganizationInviteForm(forms.Form):
    """Moderators: create a prime-contractor or ministry organization and invite its admin."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Organization.Kind.PRIME, Organization.Kind.PRIME.label),
            (Organization.Kind.MINISTRY, Organization.Kind.MINISTRY.label),
        ],
    )
    name = forms.CharField(label=_("Organization name"), max_length=200)
    siren = forms.CharField(label=_("SIREN (optional)"), max_length=20, required=False)
    admin_email = forms.EmailField(label=_("Email address of its administrator"))

    def clean_siren(self):
        value = self.cleaned_data["siren"]
        return _clean_siren(value) if value.strip() else ""


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        if p1:
            from .models import User

            try:
                password_validation.validate_password(p1, User(email=self.email))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned
