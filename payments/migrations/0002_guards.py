"""Database guards for what the services forbid, so they hold even against .update(), raw
SQL or the admin: a claim in a finance batch never changes except to record its payment;
expenses change only on drafts; a rate card in use is never edited; batches are
append-only. Every refusal is an integrity_constraint_violation (Django: IntegrityError).
"""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION payments_claim_guard() RETURNS trigger AS $$
DECLARE
    -- The only columns recording a payment may touch on an exported claim.
    payment_columns text[] := ARRAY[
        'state', 'paid_on', 'payment_reference', 'paid_recorded_by_id', 'updated_at'
    ];
    owner record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state IN ('exported', 'paid') THEN
            RAISE EXCEPTION 'claim %: a claim is exported only through a finance batch', NEW.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        SELECT organisation_id, user_id INTO owner FROM workforce_person WHERE id = NEW.person_id;
        IF NEW.organisation_id IS DISTINCT FROM owner.organisation_id
           OR NEW.claimant_user_id IS DISTINCT FROM owner.user_id THEN
            RAISE EXCEPTION 'claim %: organisation and claimant must be the person''s own', NEW.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;

    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION 'claim % is % : only a draft can be deleted', OLD.id, OLD.state
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;

    IF OLD.state = 'paid' THEN
        IF NEW IS DISTINCT FROM OLD THEN
            RAISE EXCEPTION 'claim % is paid and can never change', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSIF OLD.state = 'exported' THEN
        IF NEW.state NOT IN ('exported', 'paid')
           OR (to_jsonb(NEW) - payment_columns) IS DISTINCT FROM (to_jsonb(OLD) - payment_columns)
        THEN
            RAISE EXCEPTION 'claim % is in a finance batch and can never change, except to record its payment', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSIF NEW.state = 'exported' THEN
        IF OLD.state <> 'approved'
           OR NOT EXISTS (SELECT 1 FROM payments_batchline WHERE claim_id = NEW.id) THEN
            RAISE EXCEPTION 'claim %: only an approved claim is exported, through a finance batch', NEW.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSIF NEW.state = 'paid' THEN
        RAISE EXCEPTION 'claim %: only a claim in a finance batch can be paid', NEW.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payments_claim_guard
    BEFORE INSERT OR UPDATE OR DELETE ON payments_claim
    FOR EACH ROW EXECUTE FUNCTION payments_claim_guard();


CREATE OR REPLACE FUNCTION payments_expense_guard() RETURNS trigger AS $$
DECLARE
    claim_state text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT state INTO claim_state FROM payments_claim WHERE id = OLD.claim_id;
        -- A claim being deleted (a draft) takes its lines with it.
        IF claim_state IS NOT NULL AND claim_state <> 'draft' THEN
            RAISE EXCEPTION 'expenses of claim % (%) can no longer change', OLD.claim_id, claim_state
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT state INTO claim_state FROM payments_claim WHERE id = NEW.claim_id;
        IF claim_state <> 'draft' THEN
            RAISE EXCEPTION 'expenses of claim % (%) can no longer change', NEW.claim_id, claim_state
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payments_expense_guard
    BEFORE INSERT OR UPDATE OR DELETE ON payments_expenseline
    FOR EACH ROW EXECUTE FUNCTION payments_expense_guard();


CREATE OR REPLACE FUNCTION payments_ratecard_guard() RETURNS trigger AS $$
DECLARE
    cards bigint[];
BEGIN
    IF TG_TABLE_NAME = 'payments_ratecard' THEN
        cards := ARRAY[OLD.id];
    ELSIF TG_OP = 'INSERT' THEN
        cards := ARRAY[NEW.card_id];
    ELSIF TG_OP = 'UPDATE' THEN
        cards := ARRAY[OLD.card_id, NEW.card_id];
    ELSE
        cards := ARRAY[OLD.card_id];
    END IF;
    IF EXISTS (SELECT 1 FROM payments_claim WHERE rate_card_id = ANY(cards)) THEN
        RAISE EXCEPTION 'rate card % is used by claims and can never change: enter a new card', cards[1]
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payments_ratecard_guard
    BEFORE UPDATE OR DELETE ON payments_ratecard
    FOR EACH ROW EXECUTE FUNCTION payments_ratecard_guard();

CREATE TRIGGER payments_ratecardtier_guard
    BEFORE INSERT OR UPDATE OR DELETE ON payments_ratecardtier
    FOR EACH ROW EXECUTE FUNCTION payments_ratecard_guard();

-- Batches and their lines are a record of what finance was sent: append-only.
CREATE TRIGGER payments_batch_append_only
    BEFORE UPDATE OR DELETE ON payments_batch
    FOR EACH ROW EXECUTE FUNCTION workforce_refuse_change();

CREATE TRIGGER payments_batchline_append_only
    BEFORE UPDATE OR DELETE ON payments_batchline
    FOR EACH ROW EXECUTE FUNCTION workforce_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS payments_batchline_append_only ON payments_batchline;
DROP TRIGGER IF EXISTS payments_batch_append_only ON payments_batch;
DROP TRIGGER IF EXISTS payments_ratecardtier_guard ON payments_ratecardtier;
DROP TRIGGER IF EXISTS payments_ratecard_guard ON payments_ratecard;
DROP FUNCTION IF EXISTS payments_ratecard_guard();
DROP TRIGGER IF EXISTS payments_expense_guard ON payments_expenseline;
DROP FUNCTION IF EXISTS payments_expense_guard();
DROP TRIGGER IF EXISTS payments_claim_guard ON payments_claim;
DROP FUNCTION IF EXISTS payments_claim_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        # workforce_refuse_change() comes from there.
        ("workforce", "0003_audit_append_only"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
