-- The peer's query by hand: a page of 50 institutions of one jurisdiction (:code alone) by
-- name, with department, jurisdiction and balances by funding, and the total count: one
-- statement, the page off the (jurisdiction_id, name) index, the count off an index alone.
WITH here AS (
  SELECT id, name FROM jurisdiction WHERE code = ':code'
), page AS (
  SELECT i.* FROM institution i WHERE i.jurisdiction_id = (SELECT id FROM here) ORDER BY i.name, i.id LIMIT 51
)
SELECT p.id, p.name, p.credit_code, p.classification, p.sector, p.level, d.name, (SELECT name FROM here),
       (SELECT json_agg(json_build_object('funding', b.funding, 'approved', b.approved, 'frozen', b.frozen,
                                          'occupied', b.occupied, 'deposited', b.deposited, 'borrowed', b.borrowed))
        FROM establishment_balance b WHERE b.institution_id = p.id) AS by_funding,
       (SELECT COUNT(*) FROM institution i WHERE i.jurisdiction_id = (SELECT id FROM here)) AS total
FROM page p JOIN department d ON d.id = p.department_id
ORDER BY p.name, p.id;
