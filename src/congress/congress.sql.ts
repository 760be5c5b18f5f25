/** The join condition of the congress that counts for organisation `org` (an id expression): the current term's opening one (round 1). */
export const countedCongress = (c: string, org: string) => `${c}.organization_id = ${org} and ${c}.term = (select code from term where is_current) and ${c}.round = 1`;
