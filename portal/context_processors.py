from django.conf import settings

from .permissions import user_organization, user_role


def portal(request):
    user = request.user
    return {
        "user_role": user_role(user),
        "user_organization": user_organization(user),
        "demo_mode": settings.DEMO_MODE,
    }
