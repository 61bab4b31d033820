"""The payments app's entries in the one access layer (workforce/access.py), per the
"claims" row of DOMAIN.md's "Who may do what":

- a person sees their own claims (drafts included), and only theirs;
- co-production leads and administrators of the organisation see its submitted and later
  claims and decide them, never their own;
- finance of the organisation sees approved, exported and paid claims, batches and
  exports, and records payment; nothing else of payments (no benefits notes, no drafts);
- finance and administrators set the organisation's rate cards and payments policy;
- everyone in other organisations sees nothing (404).

Imported from PaymentsConfig.ready(), so the rules are registered before any request.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from payments.models import (
    Activity,
    Batch,
    BenefitsThreshold,
    Claim,
    ExpenseLine,
    PaymentDiscussion,
    PaymentPreference,
    RateCard,
)
from payments.services.common import why_not_decider
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity as C
from workforce.organisations.models import Organisation
from workforce.register.models import Person

# This app's scopes and rules, read by the access layer (settings.ACCESS_RULES).
RULEBOOK = access.RuleBook()

S = Claim.State
# Who sees an organisation's rate cards: the people they are about, and who runs payments.


def _claim_filter(user) -> Q:
    own = Q(person_id__in=access.own_person_ids(user))
    leads = Q(organisation_id__in=access.organisation_ids(user, *groups.LEADS_AND_ADMINS)) & ~Q(
        state=S.DRAFT
    )
    finance = Q(
        organisation_id__in=access.organisation_ids(user, C.FINANCE),
        state__in=Claim.FINANCE_STATES,
    )
    return own | leads | finance


@RULEBOOK.scope(Claim)
def _claims(user) -> QuerySet[Claim]:
    return Claim.objects.filter(_claim_filter(user))


@RULEBOOK.scope(ExpenseLine)
def _expenses(user) -> QuerySet[ExpenseLine]:
    return ExpenseLine.objects.filter(claim__in=access.scoped(user, Claim).values("pk"))


@RULEBOOK.scope(Batch)
def _batches(user) -> QuerySet[Batch]:
    return Batch.objects.filter(
        organisation_id__in=access.organisation_ids(user, *groups.FINANCE_AND_ADMINS)
    )


@RULEBOOK.scope(RateCard)
def _rate_cards(user) -> QuerySet[RateCard]:
    return RateCard.objects.filter(
        organisation_id__in=access.organisation_ids(user, *groups.CLAIM_READERS)
    )


@RULEBOOK.scope(Activity)
def _activities(user) -> QuerySet[Activity]:
    # Claimants choose from them; leads add them. Finance sees the titles on claims instead.
    readers = (C.PEER_WORKER, *groups.LEADS_AND_ADMINS)
    return Activity.objects.filter(organisation_id__in=access.organisation_ids(user, *readers))


@RULEBOOK.scope(BenefitsThreshold)
def _thresholds(user) -> QuerySet[BenefitsThreshold]:
    readers = (C.PEER_WORKER, *groups.LEADS_AND_ADMINS)
    return BenefitsThreshold.objects.filter(
        organisation_id__in=access.organisation_ids(user, *readers)
    )


def _personal(model):
    def scope(user):
        own = Q(person_id__in=access.own_person_ids(user))
        managed = Q(
            person__organisation_id__in=access.organisation_ids(user, *groups.LEADS_AND_ADMINS)
        )
        return model.objects.filter(own | managed)

    return scope


# Preferences and discussions (benefits notes) are the person's own and their leads'.
RULEBOOK.scope(PaymentPreference)(_personal(PaymentPreference))
RULEBOOK.scope(PaymentDiscussion)(_personal(PaymentDiscussion))


def _in_scope(model):
    return lambda user, obj: access.scoped(user, model).filter(pk=obj.pk).exists()


RULEBOOK.rule(Claim, "view")(_in_scope(Claim))
RULEBOOK.rule(Batch, "view")(_in_scope(Batch))
RULEBOOK.rule(RateCard, "view")(_in_scope(RateCard))


@RULEBOOK.rule(Claim, "edit")
def _edit_claim(user, claim: Claim) -> bool:
    """The claimant, while it is a draft."""
    return claim.person.user_id == user.pk and claim.state == S.DRAFT


@RULEBOOK.rule(Claim, "decide")
def _decide_claim(user, claim: Claim) -> bool:
    """A lead or administrator of its organisation who neither claimed it nor created it."""
    return (
        access.has_capacity(user, *groups.LEADS_AND_ADMINS, organisation_id=claim.organisation_id)
        and why_not_decider(claim, user) is None
    )


@RULEBOOK.rule(Claim, "mark_paid")
def _pay_claim(user, claim: Claim) -> bool:
    return access.has_capacity(
        user, *groups.FINANCE_AND_ADMINS, organisation_id=claim.organisation_id
    )


@RULEBOOK.rule(Claim, "see_benefits")
def _see_benefits(user, claim: Claim) -> bool:
    """Benefits totals are for the person and their leads; finance never sees them."""
    return claim.person.user_id == user.pk or access.has_capacity(
        user, *groups.LEADS_AND_ADMINS, organisation_id=claim.organisation_id
    )


@RULEBOOK.rule(ExpenseLine, "view_receipt")
def _receipt(user, line: ExpenseLine) -> bool:
    return bool(line.receipt) and access.scoped(user, Claim).filter(pk=line.claim_id).exists()


@RULEBOOK.rule(Batch, "mark_paid")
def _pay_batch(user, batch: Batch) -> bool:
    return access.has_capacity(
        user, *groups.FINANCE_AND_ADMINS, organisation_id=batch.organisation_id
    )


@RULEBOOK.rule(Person, "view_payments")
def _person_payments(user, person: Person) -> bool:
    """A person's payment record (preference, discussions, totals): their leads."""
    return access.has_capacity(
        user, *groups.LEADS_AND_ADMINS, organisation_id=person.organisation_id
    )


@RULEBOOK.rule(Organisation, "configure_payments")
def _configure_payments(user, organisation: Organisation) -> bool:
    """The payments policy: finance and administrators, as for rate cards. Never the leads
    alone, whose corrections it bounds."""
    return access.has_capacity(user, *groups.FINANCE_AND_ADMINS, organisation_id=organisation.pk)
