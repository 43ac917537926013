-- One institution's full record in one statement: the row with department and jurisdiction,
-- its balances, its staff counts (its maintained share, as the API reads them), its
-- classification decisions.
SELECT i.*, d.name, j.code, j.name,
       (SELECT json_agg(b) FROM establishment_balance b WHERE b.institution_id = i.id) AS balances,
       (SELECT t.figures::json -> 'staff' FROM institution_totals t WHERE t.institution_id = i.id
          AND NOT EXISTS (SELECT 1 FROM totals_dirty m WHERE m.jurisdiction_id = t.jurisdiction_id)) AS staff,
       (SELECT json_agg(x ORDER BY x.decided_on, x.id) FROM classification_decision x WHERE x.institution_id = i.id)
         AS decisions
FROM institution i JOIN department d ON d.id = i.department_id JOIN jurisdiction j ON j.id = i.jurisdiction_id
WHERE i.id = :id;
