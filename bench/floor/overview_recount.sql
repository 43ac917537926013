-- The overview's figures for :code and every jurisdiction under it recounted from the rows (what
-- the API did before the maintained totals): one GROUP BY per dimension family, by hand.
SELECT i.level, i.funding_form, i.management_mode, i.sector, i.classification, s.staff, COUNT(*)
FROM jurisdiction top
JOIN jurisdiction j ON j.path LIKE top.path || '%'
JOIN institution i ON i.jurisdiction_id = j.id AND i.status = 'ACTIVE'
CROSS JOIN LATERAL (SELECT COALESCE(SUM(b.occupied), 0) AS staff FROM establishment_balance b WHERE b.institution_id = i.id) s
WHERE top.code = ':code'
GROUP BY 1, 2, 3, 4, 5, 6;
SELECT b.funding, SUM(b.approved), SUM(b.frozen), SUM(b.occupied),
       SUM(GREATEST(b.approved + b.borrowed - b.frozen - b.deposited - b.occupied, 0)),
       SUM(GREATEST(b.occupied - b.approved - b.borrowed, 0))
FROM jurisdiction top
JOIN jurisdiction j ON j.path LIKE top.path || '%'
JOIN establishment_balance b ON b.jurisdiction_id = j.id
JOIN institution i ON i.id = b.institution_id AND i.status = 'ACTIVE'
WHERE top.code = ':code'
GROUP BY b.funding;
SELECT s.basis, s.status, s.category, COUNT(*)
FROM jurisdiction top
JOIN jurisdiction j ON j.path LIKE top.path || '%'
JOIN staff s ON s.jurisdiction_id = j.id
WHERE top.code = ':code'
GROUP BY 1, 2, 3;
SELECT COALESCE(SUM(r.slots), 0)
FROM jurisdiction top JOIN jurisdiction j ON j.path LIKE top.path || '%' JOIN reserve_balance r ON r.jurisdiction_id = j.id
WHERE top.code = ':code';
SELECT c.*, p.* FROM jurisdiction top
LEFT JOIN establishment_ceiling c ON c.jurisdiction_id = top.id
LEFT JOIN turnover_pool p ON p.jurisdiction_id = top.id
WHERE top.code = ':code';
SELECT r.kind, COUNT(*)
FROM jurisdiction top JOIN jurisdiction j ON j.path LIKE top.path || '%' JOIN reform r ON r.jurisdiction_id = j.id
WHERE top.code = ':code' AND r.effective_on >= DATE '2019-01-01'
GROUP BY r.kind;
SELECT e.kind, SUM(e.approved_delta)
FROM jurisdiction top JOIN jurisdiction j ON j.path LIKE top.path || '%' JOIN establishment_event e ON e.jurisdiction_id = j.id
WHERE top.code = ':code' AND e.effective_on >= DATE '2019-01-01' AND e.kind IN ('RECLAIM', 'ALLOCATE') AND e.approved_delta > 0
GROUP BY e.kind;
