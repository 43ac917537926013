-- One institution's full record in one statement: the row with department and jurisdiction,
-- its balances, its staff counted, its classification decisions.
SELECT i.*, d.name, j.code, j.name,
       (SELECT json_agg(b) FROM establishment_balance b WHERE b.institution_id = i.id) AS balances,
       (SELECT json_agg(c) FROM (SELECT basis, status, category, COUNT(*) AS n FROM staff s
                                 WHERE s.institution_id = i.id GROUP BY 1, 2, 3) c) AS staff,
       (SELECT json_agg(x ORDER BY x.decided_on, x.id) FROM classification_decision x WHERE x.institution_id = i.id)
         AS decisions
FROM institution i JOIN department d ON d.id = i.department_id JOIN jurisdiction j ON j.id = i.jurisdiction_id
WHERE i.id = :id;
