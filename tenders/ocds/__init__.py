"""OCDS 1.1 import (streamed) and export of tenders."""
