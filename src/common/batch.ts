/** Groups items by a key, keeping their order: the shape every loader batch needs. */
export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Rows of a batch answered in key order: for each key, the rows whose key it is (none: an empty list). */
export function inKeyOrder<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const groups = groupBy(rows, keyOf);
  return keys.map((k) => groups.get(k) ?? []);
}
