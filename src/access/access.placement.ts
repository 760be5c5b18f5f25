/**
 * The path an organisation stood at on a date, as SQL: its placement on that date, else the one nearest to it (an
 * organisation not yet established belongs where it first stood, an ended one where it stood last). One definition
 * for the read side (access.scope.ts) and the write side (access.consumer.ts).
 */
export const nearestPathSql = (organization: string, date: string) =>
  `(select p.path from organization_placement p where p.organization_id = ${organization}
     order by case when p.valid_from > ${date} then p.valid_from - ${date} else ${date} - coalesce(p.valid_to, ${date}) end, p.valid_from desc
     limit 1)`;
