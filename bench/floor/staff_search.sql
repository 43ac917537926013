-- People of the subtree :ids (the city and its counties, ids as the API sends them from its
-- tree) whose name contains :search: the first 20 by id with the count of all of them in the
-- same pass, then their institutions' names for those 21 rows only (the API's own plan: the
-- page, then one batch of its institutions). The jurisdiction and every character of :search
-- from one GIN index (migration 21), `LIKE` for their order.
WITH page AS (
  SELECT s.*, COUNT(*) OVER () AS total FROM staff s
  WHERE s.jurisdiction_id IN (:ids) AND s.name LIKE '%' || ':search' || '%'
    AND string_to_array(s.name, NULL::text) @> string_to_array(':search', NULL::text)
  ORDER BY s.id LIMIT 21
)
SELECT page.*, i.name FROM page JOIN institution i ON i.id = page.institution_id ORDER BY page.id;
