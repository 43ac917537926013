-- The overview's figures for :code and every jurisdiction under it, by hand, from the same
-- schema the API reads: the subtree by materialised path and its maintained totals (one row
-- per jurisdiction, kept by every write transaction), then the ceiling and the pool of :code
-- and the reforms since the base year. (bench/floor/overview_recount.sql is the same figures
-- recounted from the rows, as before the totals existed.)
SELECT t.figures
FROM jurisdiction top
JOIN jurisdiction j ON j.path LIKE top.path || '%'
JOIN jurisdiction_totals t ON t.jurisdiction_id = j.id
WHERE top.code = ':code';
SELECT c.*, p.* FROM jurisdiction top
LEFT JOIN establishment_ceiling c ON c.jurisdiction_id = top.id
LEFT JOIN turnover_pool p ON p.jurisdiction_id = top.id
WHERE top.code = ':code';
-- The reforms and slots moved since the base year of :code's ceiling, as the API counts them:
-- only when :code has a ceiling (the synthetic province has none, so the API skips them).
SELECT r.kind, COUNT(*)
FROM jurisdiction top
JOIN LATERAL (SELECT base_year FROM establishment_ceiling WHERE jurisdiction_id = top.id ORDER BY id DESC LIMIT 1) c ON true
JOIN jurisdiction j ON j.path LIKE top.path || '%' JOIN reform r ON r.jurisdiction_id = j.id
WHERE top.code = ':code' AND r.effective_on >= make_date(c.base_year, 1, 1)
GROUP BY r.kind;
SELECT e.kind, SUM(e.approved_delta)
FROM jurisdiction top
JOIN LATERAL (SELECT base_year FROM establishment_ceiling WHERE jurisdiction_id = top.id ORDER BY id DESC LIMIT 1) c ON true
JOIN jurisdiction j ON j.path LIKE top.path || '%' JOIN establishment_event e ON e.jurisdiction_id = j.id
WHERE top.code = ':code' AND e.effective_on >= make_date(c.base_year, 1, 1) AND e.kind IN ('RECLAIM', 'ALLOCATE')
  AND e.approved_delta > 0
GROUP BY e.kind;
