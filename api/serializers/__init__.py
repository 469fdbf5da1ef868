"""Serializers of the API: they shape responses and validate input; writes go through the
apps' services (called by the views), never through serializer.save()."""
