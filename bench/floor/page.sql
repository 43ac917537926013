-- A page of 50 institutions of :code and below, by name, with department, jurisdiction,
-- balances and staff counts: the page, then its figures for the page's ids only.
CREATE TEMP TABLE IF NOT EXISTS page_ids (id int);
TRUNCATE page_ids;
INSERT INTO page_ids
SELECT i.id FROM jurisdiction top
JOIN jurisdiction j ON j.path LIKE top.path || '%'
JOIN institution i ON i.jurisdiction_id = j.id
WHERE top.code = ':code'
ORDER BY i.name, i.id LIMIT 51;
SELECT COUNT(*) FROM jurisdiction top JOIN jurisdiction j ON j.path LIKE top.path || '%'
JOIN institution i ON i.jurisdiction_id = j.id WHERE top.code = ':code';
SELECT i.*, d.name, j.name FROM page_ids p JOIN institution i ON i.id = p.id
JOIN department d ON d.id = i.department_id JOIN jurisdiction j ON j.id = i.jurisdiction_id;
SELECT b.* FROM establishment_balance b WHERE b.institution_id IN (SELECT id FROM page_ids);
SELECT s.institution_id, s.basis, s.status, s.category, COUNT(*) FROM staff s
WHERE s.institution_id IN (SELECT id FROM page_ids) GROUP BY 1, 2, 3, 4;
