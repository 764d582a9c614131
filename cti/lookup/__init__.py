"""Caller ID → contact(s) for the screen-pop: the SQLite store, other sources, import."""

from cti.lookup.cache import TtlCache
from cti.lookup.directory import ContactDirectory
from cti.lookup.httpsource import HttpSource, SourceError
from cti.lookup.importer import ImportReport, ProgressBar, import_contacts, import_off_loop
from cti.lookup.records import ContactFileError, ContactRecord, Phone, Rejection
from cti.lookup.result import LookupResult, SourceReport
from cti.lookup.service import LookupService
from cti.lookup.settings import DEFAULT_DB_PATH, LookupSettings, SecretStr
from cti.lookup.sources import ContactSource, CsvSource, StoreSource
from cti.lookup.store import ContactStore

__all__ = [
    "DEFAULT_DB_PATH",
    "ContactDirectory",
    "ContactFileError",
    "ContactRecord",
    "ContactSource",
    "ContactStore",
    "CsvSource",
    "HttpSource",
    "ImportReport",
    "LookupResult",
    "LookupService",
    "LookupSettings",
    "Phone",
    "ProgressBar",
    "Rejection",
    "SecretStr",
    "SourceError",
    "SourceReport",
    "StoreSource",
    "TtlCache",
    "import_contacts",
    "import_off_loop",
]
