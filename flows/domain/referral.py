"""Referrals of a ticket to an agency, with the date and, later, the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flows.core import Raw, Text, t


class Agency(StrEnum):
    """Where the task force refers a case (stable ids, used in data and button codes)."""

    POLRES = "polres"
    IMIGRASI = "imigrasi"
    BP3MI = "bp3mi"
    UPTD_PPA = "uptd_ppa"
    DINSOS = "dinsos"
    KJRI_TAWAU = "kjri_tawau"
    KJRI_KK = "kjri_kk"
    LPSK = "lpsk"
    OTHER = "other"


# Agencies are named as they name themselves, in every language; only "other" is translated.
_NAMES: dict[Agency, Text] = {
    Agency.POLRES: Raw("Polres Nunukan"),
    Agency.IMIGRASI: Raw("Imigrasi Nunukan"),
    Agency.BP3MI: Raw("KP2MI/BP3MI"),
    Agency.UPTD_PPA: Raw("UPTD PPA"),
    Agency.DINSOS: Raw("Dinas Sosial"),
    Agency.KJRI_TAWAU: Raw("KJRI Tawau"),
    Agency.KJRI_KK: Raw("KJRI Kota Kinabalu"),
    Agency.LPSK: Raw("LPSK"),
    Agency.OTHER: t("another agency"),
}
# What staff may type after /rujuk, besides the ids themselves.
AGENCY_WORDS: dict[str, Agency] = {
    **{a.value: a for a in Agency},
    "polisi": Agency.POLRES,
    "police": Agency.POLRES,
    "imigrasi_nunukan": Agency.IMIGRASI,
    "immigration": Agency.IMIGRASI,
    "kp2mi": Agency.BP3MI,
    "ppa": Agency.UPTD_PPA,
    "uptd": Agency.UPTD_PPA,
    "dinas_sosial": Agency.DINSOS,
    "tawau": Agency.KJRI_TAWAU,
    "kk": Agency.KJRI_KK,
    "kinabalu": Agency.KJRI_KK,
    "kota_kinabalu": Agency.KJRI_KK,
    "lain": Agency.OTHER,
    "lainnya": Agency.OTHER,
}


class Outcome(StrEnum):
    """What became of a referral."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NO_RESPONSE = "no_response"
    COMPLETED = "completed"


OUTCOME_LABELS: dict[Outcome, Text] = {
    Outcome.PENDING: t("awaiting an answer"),
    Outcome.ACCEPTED: t("accepted"),
    Outcome.DECLINED: t("declined"),
    Outcome.NO_RESPONSE: t("no response"),
    Outcome.COMPLETED: t("completed"),
}
OUTCOME_WORDS: dict[str, Outcome] = {
    **{o.value: o for o in Outcome if o is not Outcome.PENDING},
    "diterima": Outcome.ACCEPTED,
    "ditolak": Outcome.DECLINED,
    "tanpa_respons": Outcome.NO_RESPONSE,
    "tidak_ada_respons": Outcome.NO_RESPONSE,
    "selesai": Outcome.COMPLETED,
    "done": Outcome.COMPLETED,
}


def agency_name(agency: Agency) -> Text:
    """How an agency is shown."""
    return _NAMES[agency]


@dataclass(frozen=True)
class Referral:
    """A ticket referred to `agency` on `referred_at` by `referred_by`; `outcome` once known."""

    agency: Agency
    referred_at: datetime
    referred_by: int
    outcome: Outcome = Outcome.PENDING
    outcome_at: datetime | None = None
    id: int = 0
