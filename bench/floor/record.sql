-- One institution's full record: the row with department and jurisdiction, its balances, its
-- staff counted, its classification decisions.
SELECT i.*, d.name, j.code, j.name FROM institution i
JOIN department d ON d.id = i.department_id JOIN jurisdiction j ON j.id = i.jurisdiction_id
WHERE i.id = :id;
SELECT * FROM establishment_balance WHERE institution_id = :id;
SELECT basis, status, category, COUNT(*) FROM staff WHERE institution_id = :id GROUP BY 1, 2, 3;
SELECT * FROM classification_decision WHERE institution_id = :id ORDER BY decided_on, id;
