-- A page of 50 institutions of :code and below, by name, with department, jurisdiction,
-- balances and staff counts (each institution's maintained share, as the API reads them), and
-- the total count: one statement. Each jurisdiction's first 51 by name come off the
-- (jurisdiction_id, name) index and the page is the first 51 of those (the API's own plan);
-- each row's figures from the page's ids only; the count off an index alone.
WITH sub AS (
  SELECT j.id FROM jurisdiction top JOIN jurisdiction j ON j.path LIKE top.path || '%' WHERE top.code = ':code'
), page AS (
  SELECT p.* FROM sub CROSS JOIN LATERAL (
    SELECT i.* FROM institution i WHERE i.jurisdiction_id = sub.id ORDER BY i.name, i.id LIMIT 51
  ) p ORDER BY p.name, p.id LIMIT 51
)
SELECT p.id, p.name, p.credit_code, p.classification, p.sector, p.level, d.name, j.name,
       (SELECT json_agg(b) FROM establishment_balance b WHERE b.institution_id = p.id) AS balances,
       (SELECT t.figures::json -> 'staff' FROM institution_totals t WHERE t.institution_id = p.id
          AND NOT EXISTS (SELECT 1 FROM totals_dirty m WHERE m.jurisdiction_id = t.jurisdiction_id)) AS staff,
       (SELECT COUNT(*) FROM institution i WHERE i.jurisdiction_id IN (SELECT id FROM sub)) AS total
FROM page p JOIN department d ON d.id = p.department_id JOIN jurisdiction j ON j.id = p.jurisdiction_id
ORDER BY p.name, p.id;
