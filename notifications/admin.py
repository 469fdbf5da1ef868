from django.contrib import admin

from .models import AlertSubscription, EmailDelivery


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "purpose", "to_address", "status", "attempts", "sent_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["to_address", "subject"]
    # The outbox is written by the workers only: the admin reads it (retry: the outbox page).
    readonly_fields = [f.name for f in EmailDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "active", "frequency", "min_score", "updated_at"]
    list_filter = ["active", "frequency"]
    search_fields = ["user__email"]
    exclude = ["token"]
