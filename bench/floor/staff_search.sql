-- People of the subtree :ids (the city and its counties, ids as the API sends them from its
-- tree) whose name contains :search: the first 20 by id with their institution's name, and
-- the count of all of them in the same pass. The jurisdiction and every character of :search
-- from one GIN index (migration 21), `LIKE` for their order: the API's own plan.
SELECT s.*, i.name, COUNT(*) OVER () AS total FROM staff s JOIN institution i ON i.id = s.institution_id
WHERE s.jurisdiction_id IN (:ids) AND s.name LIKE '%' || ':search' || '%'
  AND string_to_array(s.name, NULL::text) @> string_to_array(':search', NULL::text)
ORDER BY s.id LIMIT 21;
