import factory
from allauth.account.models import EmailAddress
from stdnum import luhn

from portal.models import Membership, Organization, User

PASSWORD = "correct-horse-battery-staple"


def valid_siren(n: int) -> str:
    base = f"{80000000 + n:08d}"
    return base + luhn.calc_check_digit(base)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.SUPPLIER
    name = factory.Sequence(lambda n: f"Company {n}")
    siren = factory.Sequence(valid_siren)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.ADMIN
