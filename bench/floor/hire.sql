-- A hire by hand, in one statement: take a vacant fiscal slot by conditional update and, only
-- if one was taken, insert the person, their movement and the audit row, into one of the same
-- target institutions the API's hires go to. (bench/run.sh deletes these rows and gives the
-- slots back after. An earlier version inserted the person even when no slot was left, so the
-- cleanup took back slots never taken.)
\set k random(1, :targets)
\set n random(1, 2000000000)
WITH took AS (
  UPDATE establishment_balance b SET occupied = occupied + 1, updated_at = now()
  FROM bench_hire_target t
  WHERE t.k = :k AND b.institution_id = t.institution_id AND b.funding = 'FISCAL'
    AND b.occupied + b.frozen + b.deposited < b.approved + b.borrowed
  RETURNING t.jurisdiction_id, t.institution_id
), person AS (
  INSERT INTO staff (jurisdiction_id, institution_id, name, national_id_cipher, national_id_hash, slot_key, birth_year,
                     category, basis, status, hire_date, over_establishment, created_at, updated_at)
  SELECT jurisdiction_id, institution_id, 'pgbench', 'x', md5(:n::text || clock_timestamp()::text),
         md5(:n::text || clock_timestamp()::text), 1990, 'PROFESSIONAL_TECHNICAL', 'FISCAL', 'ACTIVE', DATE '2020-01-01',
         false, now(), now()
  FROM took
  RETURNING id, jurisdiction_id, institution_id
), movement AS (
  INSERT INTO staff_movement (jurisdiction_id, staff_id, institution_id, kind, occurred_on, note, actor, created_at)
  SELECT jurisdiction_id, id, institution_id, 'HIRE', DATE '2020-01-01', '', 'pgbench', now() FROM person
)
INSERT INTO audit_log (occurred_at, actor, actor_role, jurisdiction_id, action, entity, entity_id, after)
SELECT now(), 'pgbench', 'SYSTEM', jurisdiction_id, 'staff.hire', 'staff', id, '{}' FROM person;
